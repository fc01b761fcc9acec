package dev.gcl.train;

import dev.gcl.Gcl;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.*;

/** The same seed gives bit-identical weights, whatever the number of threads. */
class DeterminismTest {
    private final TrainingData data = SmallRuns.tinyVideos(5).data();

    private GclModel fit(GclConfig c, int threads) {
        return new Gcl(c).withBackend(() -> new ReferenceBackend(threads)).fit(data);
    }

    private static void assertBitIdentical(GclModel a, GclModel b, String what) {
        assertTrue(a.generator().bitEquals(b.generator()), what + ": generator weights differ");
        if (a.discriminator() != null) {
            assertTrue(a.discriminator().bitEquals(b.discriminator()), what + ": discriminator weights differ");
        }
        assertEquals(a.history().size(), b.history().size());
        for (int i = 0; i < a.history().size(); i++) {
            assertEquals(a.history().get(i).meanGeneratorLoss(), b.history().get(i).meanGeneratorLoss(), 0.0);
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void sameSeedTwiceGivesBitIdenticalWeights(Variant v) {
        GclConfig c = SmallRuns.fastConfig().variant(v).build();
        assertBitIdentical(fit(c, 2), fit(c, 2), v.cliName());
    }

    @ParameterizedTest
    @EnumSource(NlTarget.class)
    void oneThreadAndManyThreadsGiveBitIdenticalWeights(NlTarget nl) {
        // wide enough layers and batches that the CPU backend really splits the work
        GclConfig c = SmallRuns.fastConfig().variant(Variant.GCL_PT).nlTarget(nl).batchSize(512)
                .generatorHidden(64, 32, 16, 32, 64).discriminatorHidden(32, 8).build();
        GclModel one = fit(c, 1);
        assertBitIdentical(one, fit(c, 2), nl + " 1 vs 2 threads");
        assertBitIdentical(one, fit(c, 3), nl + " 1 vs 3 threads");
    }

    @Test
    void differentSeedsGiveDifferentWeights() {
        GclConfig c = SmallRuns.fastConfig().variant(Variant.GCL_B).build();
        GclModel a = fit(c, 2), b = fit(c.toBuilder().seed(c.seed() + 1).build(), 2);
        assertFalse(a.generator().bitEquals(b.generator()));
    }
}
