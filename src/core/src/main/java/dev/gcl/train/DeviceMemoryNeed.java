package dev.gcl.train;

import dev.gcl.config.GclConfig;
import dev.gcl.nn.Network;

/**
 * About how much device memory one training run allocates, besides its feature rows (which a GPU backend keeps
 * resident only when they fit, and otherwise streams): what {@link Network} allocates for G and D (weights, biases,
 * their gradients, RMSprop's two states, activations and their gradients for a batch), what
 * {@link IterationBuffers} allocates (the batch, targets, reconstruction gradients, noise, per-row vectors), and a
 * GPU backend's scratch (the largest layer's pre-activation gradient and split-k partials). Checked against the
 * device's free memory before the first allocation ({@link dev.gcl.backend.Backend#checkFits}), so that a run that
 * cannot fit says so with the figures instead of failing mid-training, and backend auto can pass the GPU over.
 */
public final class DeviceMemoryNeed {
    /** Room for what no formula here counts: the module's globals, small scalars, allocation granularity. */
    static final long MARGIN_BYTES = 64L << 20;
    /** A split-k product's partials: at most this many splits of the layer's (out, in) tile grid (GPU backends). */
    private static final int TARGET_BLOCKS = 256, MAX_SPLITS = 64, MIN_SPLIT_K = 256;

    private DeviceMemoryNeed() {}

    /** Bytes a run of this config on rows × dim feature rows allocates on the device, its feature rows aside. */
    public static long bytes(GclConfig config, int rows, int dim) {
        long batch = Math.min(config.batchSize(), rows);
        long floats = 0;
        for (int[] net : new int[][] {config.generatorDims(dim), config.discriminatorDims(dim)}) {
            for (int l = 0; l + 1 < net.length; l++) {
                long in = net[l], out = net[l + 1];
                floats += 6 * out * (in + 1);  // weights and bias, gradients, square averages, momentum buffers
                floats += 2 * batch * out;     // activations and their gradients
            }
        }
        floats += 4 * batch * dim;             // the batch, targets, reconstruction gradients, noise
        floats += 12 * batch;                  // errors, labels, weights, probabilities, masks, picks
        return (floats + scratchFloats(config, batch, dim)) * Float.BYTES + MARGIN_BYTES;
    }

    /**
     * A GPU backend's scratch: the widest layer's pre-activation gradient for a batch, and the largest split-k
     * partials of a weight gradient (splits as the CUDA backend's GEMM plan chooses them: about two blocks per SM,
     * at least 256 rows each, at most 64).
     */
    static long scratchFloats(GclConfig config, long batch, int dim) {
        long widest = 0, partials = 0;
        for (int[] net : new int[][] {config.generatorDims(dim), config.discriminatorDims(dim)}) {
            for (int l = 0; l + 1 < net.length; l++) {
                long in = net[l], out = net[l + 1];
                widest = Math.max(widest, out);
                long tiles = ((out + 127) / 128) * ((in + 127) / 128);
                long splits = Math.min(Math.min(MAX_SPLITS, (TARGET_BLOCKS + tiles - 1) / tiles), batch / MIN_SPLIT_K);
                if (splits >= 2) partials = Math.max(partials, splits * out * in);
            }
        }
        return batch * widest + partials;
    }
}
