package dev.gcl.train;

import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.backend.NlTarget;
import dev.gcl.data.TrainingData;
import dev.gcl.progress.TrainingListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The estimate a GPU run is checked against before it allocates anything covers what a run really allocates (the
 * peak of live buffers, counted on the reference backend, where every buffer is a buffer) without being far above
 * it, for every negative-learning target (the gaussian one adds a noise batch).
 */
class DeviceMemoryNeedTest {
    /** Counts the floats and ints of live buffers and their peak. */
    static final class Counting extends ForwardingBackend {
        long live, peak;

        Counting(Backend inner) {
            super(inner);
        }

        private void add(long bytes) {
            live += bytes;
            peak = Math.max(peak, live);
        }

        @Override public DeviceFloats allocFloats(int length) { add(4L * length); return super.allocFloats(length); }
        @Override public DeviceInts allocInts(int length) { add(4L * length); return super.allocInts(length); }
        @Override public void free(DeviceFloats b) { live -= 4L * b.length(); super.free(b); }
        @Override public void free(DeviceInts b) { live -= 4L * b.length(); super.free(b); }
    }

    @ParameterizedTest
    @EnumSource(NlTarget.class)
    void theEstimateCoversThePeakOfLiveBuffersWithinAFactorOfTwo(NlTarget target) {
        int rows = 3000, dim = 96;
        float[] x = new float[rows * dim];
        Random random = new Random(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) random.nextGaussian();
        GclConfig config = GclConfig.builder().variant(Variant.GCL_B).epochs(1).batchSize(512).nlTarget(target)
                .generatorHidden(256, 64, 256).discriminatorHidden(128, 16).build();
        TrainingData data = TrainingData.flat(x, rows, dim);
        try (Counting backend = new Counting(new ReferenceBackend(1))) {
            new GclTrainer(config, backend, TrainingListener.NONE, null).train(data);
            long features = 4L * rows * dim;  // the reference shares the host rows; a GPU streams them if need be
            long peak = backend.peak - Math.min(backend.peak, features);
            // the GPU backend's scratch, which the reference does not allocate, aside
            long estimate = DeviceMemoryNeed.bytes(config, rows, dim) - DeviceMemoryNeed.MARGIN_BYTES
                    - 4 * DeviceMemoryNeed.scratchFloats(config, 512, dim);
            assertTrue(estimate >= peak, "estimate " + estimate + " below the peak " + peak);
            assertTrue(estimate <= 2 * peak + (1 << 20), "estimate " + estimate + " far above the peak " + peak);
        }
    }
}
