package dev.gcl.backend.blas;

import dev.gcl.Gcl;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.TrainingListener;
import dev.gcl.testing.SmallRuns;
import dev.gcl.verify.ParityTolerances;
import dev.gcl.verify.TrainingParity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Whole GCL iterations on the OpenBLAS backend: within the FP32 training tolerances of the reference iteration by
 * iteration ({@link TrainingParity}, as {@code gcl verify} checks), and bit-identical from run to run at a fixed
 * thread count.
 */
class BlasTrainingTest {
    private static final int ITERATIONS = 5;
    private final TrainingData data = SmallRuns.tinyVideos(11).data();

    @BeforeEach
    void requireBlas() {
        BlasTesting.backendOrSkip(1).close();
    }

    /** gcl-b, one epoch cut into exactly 5 batches. */
    private GclConfig fiveIterations(NlTarget nl) {
        int batch = data.rows() / ITERATIONS;
        return TrainingParity.config(SmallRuns.fastConfig().nlTarget(nl), batch);
    }

    @ParameterizedTest
    @EnumSource(NlTarget.class)
    void fiveIterationsMatchTheReference(NlTarget nl) {
        GclConfig config = fiveIterations(nl);
        TrainingData rows = TrainingParity.firstRows(data, ITERATIONS, config.batchSize());
        ParityTolerances.Training tol = ParityTolerances.training(dev.gcl.backend.Precision.FP32,
                config.learningRate(), config.rmsAlpha(), config.momentum(), ITERATIONS);
        List<TrainingParity.Iteration> its = TrainingParity.run(rows, config, () -> new BlasBackend(2),
                () -> new ReferenceBackend(2), tol);
        assertEquals(ITERATIONS, its.size());
        for (TrainingParity.Iteration it : its) {
            assertTrue(it.passed(), "iteration " + it.iteration() + ": losses " + it.gLossDiff() + "/" + it.dLossDiff()
                    + ", max weight diff " + it.maxWeightDiff() + " (" + it.maxWeightTensor() + "), "
                    + it.disagreements().size() + " label disagreements, problem " + it.problem());
        }
    }

    private record Run(GclModel model, List<IterationStats> iterations) {}

    private Run fit(GclConfig config, int threads) {
        List<IterationStats> its = new ArrayList<>();
        TrainingListener collect = new TrainingListener() {
            @Override
            public void onIteration(IterationStats stats) {
                its.add(stats);
            }
        };
        GclModel m = new Gcl(config).withListener(collect).withBackend(() -> new BlasBackend(threads)).fit(data);
        return new Run(m, its);
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"GCL_PT", "GCL_B"})
    void twoRunsAtTheSameThreadCountAreBitIdentical(Variant v) {
        // wide enough layers and batches that OpenBLAS and the Java passes really split the work over 2 threads
        GclConfig config = SmallRuns.fastConfig().variant(v).nlTarget(NlTarget.RANDOM_NORMAL).batchSize(512)
                .generatorHidden(64, 32, 16, 32, 64).discriminatorHidden(32, 8).build();
        Run a = fit(config, 2), b = fit(config, 2);
        assertTrue(a.model().generator().bitEquals(b.model().generator()), "generator weights differ");
        assertTrue(a.model().discriminator().bitEquals(b.model().discriminator()), "discriminator weights differ");
        assertEquals(a.iterations(), b.iterations(), "every iteration's losses and label counts");
        assertFalse(a.iterations().isEmpty());
    }

    @Test
    void aDifferentSeedGivesDifferentWeights() {
        GclConfig c = SmallRuns.fastConfig().variant(Variant.GCL_B).build();
        assertFalse(fit(c, 2).model().generator().bitEquals(fit(c.toBuilder().seed(c.seed() + 1).build(), 2)
                .model().generator()));
    }
}
