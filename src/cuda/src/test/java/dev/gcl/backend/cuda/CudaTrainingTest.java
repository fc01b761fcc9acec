package dev.gcl.backend.cuda;

import dev.gcl.Gcl;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.TrainingListener;
import dev.gcl.testing.SmallRuns;
import dev.gcl.testing.Validate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Whole GCL iterations on the GPU: close to the CPU reference, and bit-identical from run to run. */
class CudaTrainingTest {
    private static final int ITERATIONS = 5;
    private final TrainingData data = SmallRuns.tinyVideos(11).data();

    @BeforeEach
    void requireCuda() {
        CudaTesting.backendOrSkip().close();
    }

    /** gcl-b, one epoch cut into exactly 5 batches. */
    private GclConfig fiveIterations(NlTarget nl) {
        int batch = (data.rows() + ITERATIONS - 1) / ITERATIONS;
        return SmallRuns.fastConfig().variant(Variant.GCL_B).epochs(1).batchSize(batch).nlTarget(nl).build();
    }

    private record Run(GclModel model, List<IterationStats> iterations) {}

    private Run fit(GclConfig config, boolean onGpu) {
        List<IterationStats> its = new ArrayList<>();
        TrainingListener collect = new TrainingListener() {
            @Override
            public void onIteration(IterationStats stats) {
                its.add(stats);
            }
        };
        Gcl gcl = new Gcl(config).withListener(collect);
        gcl = onGpu ? gcl.withBackend(CudaBackend::new) : gcl.withBackend(() -> new ReferenceBackend(2));
        return new Run(gcl.fit(data), its);
    }

    @ParameterizedTest
    @EnumSource(NlTarget.class)
    void fiveIterationsMatchTheCpuReference(NlTarget nl) {
        GclConfig config = fiveIterations(nl);
        Run cpu = fit(config, false), gpu = fit(config, true);
        assertEquals(ITERATIONS, cpu.iterations().size(), "the config makes exactly 5 iterations");
        assertEquals(cpu.iterations().size(), gpu.iterations().size());
        for (int k = 0; k < ITERATIONS; k++) {
            IterationStats c = cpu.iterations().get(k), g = gpu.iterations().get(k);
            String where = "iteration " + k + " (cpu labels G/D " + c.anomalousByG() + "/" + c.anomalousByD()
                    + ", gpu " + g.anomalousByG() + "/" + g.anomalousByD() + ")";
            assertEquals(c.generatorLoss(), g.generatorLoss(), 1e-4 * Math.abs(c.generatorLoss()) + 1e-6,
                    "generator loss, " + where);
            assertEquals(c.discriminatorLoss(), g.discriminatorLoss(), 1e-4 * Math.abs(c.discriminatorLoss()) + 1e-6,
                    "discriminator loss, " + where);
        }
        assertWeightsClose("generator", gpu.model().generator(), cpu.model().generator());
        assertWeightsClose("discriminator", gpu.model().discriminator(), cpu.model().discriminator());
    }

    private static void assertWeightsClose(String what, NetworkWeights gpu, NetworkWeights cpu) {
        for (int l = 0; l < cpu.layers(); l++) {
            Validate.close(what + " weight " + l, gpu.weight(l), Validate.toDouble(cpu.weight(l)), 1e-4, 1e-3);
            Validate.close(what + " bias " + l, gpu.bias(l), Validate.toDouble(cpu.bias(l)), 1e-4, 1e-3);
        }
    }

    @Test
    void twoGpuRunsAreBitIdentical() {
        GclConfig config = SmallRuns.fastConfig().variant(Variant.GCL_PT).nlTarget(NlTarget.RANDOM_NORMAL).build();
        Run a = fit(config, true), b = fit(config, true);
        assertTrue(a.model().generator().bitEquals(b.model().generator()), "generator weights differ");
        assertTrue(a.model().discriminator().bitEquals(b.model().discriminator()), "discriminator weights differ");
        assertEquals(a.iterations(), b.iterations(), "every iteration's losses and label counts");
    }

    /** The rows streamed batch by batch from host memory (what data too large for the device gets), prefetched. */
    private static final class StreamingCuda extends dev.gcl.backend.ForwardingBackend {
        int prefetches;

        StreamingCuda() {
            super(new CudaBackend());
        }

        @Override
        public dev.gcl.backend.DeviceFloats residentRows(dev.gcl.io.FeatureRows source) {
            return null;
        }

        @Override
        public void prefetchHostRows(dev.gcl.io.FeatureRows source, int[] indices, int indexOffset, int rows) {
            prefetches++;
            super.prefetchHostRows(source, indices, indexOffset, rows);
        }
    }

    @Test
    void batchesStreamedFromHostMemoryTrainBitIdenticallyToResidentRows() {
        GclConfig config = SmallRuns.fastConfig().variant(Variant.GCL_PT).nlTarget(NlTarget.RANDOM_NORMAL).build();
        Run resident = fit(config, true);
        StreamingCuda[] made = new StreamingCuda[1];
        GclModel streamed = new Gcl(config).withBackend(() -> made[0] = new StreamingCuda()).fit(data);
        assertTrue(made[0].prefetches > 0, "the trainer names each next batch");
        assertTrue(resident.model().generator().bitEquals(streamed.generator()), "generator weights differ");
        assertTrue(resident.model().discriminator().bitEquals(streamed.discriminator()),
                "discriminator weights differ");
    }

    @Test
    void runsOnTwoThreadsAtOnceEqualTheSameRunsOneAfterAnother() throws Exception {
        GclConfig a = SmallRuns.fastConfig().variant(Variant.GCL_PT).seed(1).build();
        GclConfig b = SmallRuns.fastConfig().variant(Variant.GCL_B).seed(2).nlTarget(NlTarget.GAUSSIAN).build();
        GclModel aAlone = fit(a, true).model(), bAlone = fit(b, true).model();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = pool.submit(() -> fit(a, true).model());
            var fb = pool.submit(() -> fit(b, true).model());
            GclModel aTogether = fa.get(), bTogether = fb.get();
            assertTrue(aAlone.generator().bitEquals(aTogether.generator()), "run a's generator");
            assertTrue(aAlone.discriminator().bitEquals(aTogether.discriminator()), "run a's discriminator");
            assertTrue(bAlone.generator().bitEquals(bTogether.generator()), "run b's generator");
            assertTrue(bAlone.discriminator().bitEquals(bTogether.discriminator()), "run b's discriminator");
        } finally {
            pool.shutdownNow();
        }
    }
}
