package dev.gcl.train;

import dev.gcl.Gcl;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.Phase;
import dev.gcl.progress.TrainingListener;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The first 10 cooperative iterations of a fixed run, G's and D's losses written down when the reference was
 * first run, compared exactly. Any change to the math (an op, the initialisation, the streams, the order of steps) moves them;
 * if a change is intended, regenerate the numbers with
 * {@code mvn test -Dtest=GoldenTrajectoryTest -Dgcl.printGolden=true} (Surefire passes user properties to the test
 * JVM; {@code -DargLine} would be overridden by the pom's) and say why in the commit.
 */
class GoldenTrajectoryTest {
    private static final double[] GOLDEN_G = {
            0.4618256092071533, 0.4522748291492462, 0.439250111579895, 0.37123697996139526, 0.3857981860637665,
            0.5178691744804382, 0.3675619661808014, 0.3131822645664215, 0.31947797536849976, 0.3177151679992676};
    private static final double[] GOLDEN_D = {
            0.6440562009811401, 0.6377347707748413, 0.6374679803848267, 0.6284303665161133, 0.6201825737953186,
            0.6243591904640198, 0.6065315008163452, 0.6096818447113037, 0.5977590084075928, 0.5989312529563904};

    @Test
    void firstTenLossesAreTheRecordedOnes() {
        GclConfig config = SmallRuns.fastConfig().variant(Variant.GCL_B).seed(2022).batchSize(128).epochs(1).build();
        List<IterationStats> its = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override
            public void onIteration(IterationStats s) {
                if (s.phase() == Phase.COOPERATIVE && its.size() < 10) its.add(s);
            }
        };
        new Gcl(config).withBackend(() -> new ReferenceBackend(2)).withListener(record).fit(SmallRuns.tinyVideos(11).data());
        assertEquals(10, its.size());
        if (Boolean.getBoolean("gcl.printGolden")) {
            StringBuilder g = new StringBuilder(), d = new StringBuilder();
            for (IterationStats s : its) {
                g.append(s.generatorLoss()).append(", ");
                d.append(s.discriminatorLoss()).append(", ");
            }
            System.out.println("GOLDEN_G = {" + g + "}\nGOLDEN_D = {" + d + "}");
        }
        for (int i = 0; i < 10; i++) {
            // exact: the reference's results must not change by a bit (any thread count; see docs/reproducibility.md)
            assertEquals(GOLDEN_G[i], its.get(i).generatorLoss(), 0.0, "G loss of iteration " + i);
            assertEquals(GOLDEN_D[i], its.get(i).discriminatorLoss(), 0.0, "D loss of iteration " + i);
        }
    }
}
