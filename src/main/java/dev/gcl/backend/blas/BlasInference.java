package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.RowParallel;
import dev.gcl.nn.NetworkWeights;
import org.bytedeco.javacpp.FloatPointer;

import java.nio.FloatBuffer;

/**
 * Fast forward passes for scoring: one network's weights copied once into native memory, sgemm for a batch of
 * rows, sgemv for one row, the bias and activation in one pass over each product on the calling thread. Immutable
 * after construction and shared by any number of threads, each with its own {@link Scratch}; a thread allocates
 * nothing after it made its scratch, except a few task objects per layer when a large batch's epilogue runs in
 * parallel (see {@link #PARALLEL_EPILOGUE}). OpenBLAS runs each product on {@code threads} threads, one product at
 * a time (see {@link Blas}).
 */
public final class BlasInference {
    private final int[] dims;
    private final Activation[] activations;
    private final FloatPointer[] weights;
    private final float[][] biases;
    private final int threads;
    /**
     * Epilogues of at least this many elements run on {@code threads} threads (a few task objects per product);
     * smaller ones, single rows included, on the calling thread without allocating.
     */
    public static final long PARALLEL_EPILOGUE = 1 << 18;
    /** The bias-and-activation passes of large batch products. */
    private final RowParallel passes;

    /** Throws IllegalStateException with the probe's reason when OpenBLAS does not load. */
    public BlasInference(NetworkWeights net, int threads) {
        BlasProbe probe = BlasProbe.get();
        if (!probe.available()) throw new IllegalStateException("blas scoring unavailable: " + probe.reason());
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.passes = new RowParallel(threads);  // daemon workers that end when idle: nothing to close
        int layers = net.layers();
        dims = net.dims();
        activations = new Activation[layers];
        weights = new FloatPointer[layers];
        biases = new float[layers][];
        for (int l = 0; l < layers; l++) {
            activations[l] = net.activation(l);
            weights[l] = new FloatPointer(net.weight(l));
            biases[l] = net.bias(l);
        }
    }

    /** A thread's buffers for up to maxRows rows: the input rows and every layer's output, in native memory. */
    public final class Scratch {
        final int maxRows;
        final FloatPointer input;
        final FloatBuffer inputView;
        final FloatPointer[] act;
        final FloatBuffer[] actView;

        private Scratch(int maxRows) {
            this.maxRows = maxRows;
            input = new FloatPointer((long) maxRows * dims[0]);
            inputView = input.asBuffer();
            act = new FloatPointer[dims.length - 1];
            actView = new FloatBuffer[act.length];
            for (int l = 0; l < act.length; l++) {
                act[l] = new FloatPointer((long) maxRows * dims[l + 1]);
                actView[l] = act[l].asBuffer();
            }
        }

        public int maxRows() {
            return maxRows;
        }
    }

    public Scratch newScratch(int maxRows) {
        if (maxRows < 1) throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        return new Scratch(maxRows);
    }

    /**
     * Runs the network on rows [firstRow, firstRow + rows) of x (anything, inputDim) and returns the scratch's view
     * of the output (rows, outputDim) in its first rows·outputDim elements. Allocates nothing.
     */
    public FloatBuffer forward(float[] x, int firstRow, int rows, Scratch s) {
        if (rows > s.maxRows) throw new IllegalArgumentException("scratch holds " + s.maxRows + " rows");
        s.inputView.put(0, x, firstRow * dims[0], rows * dims[0]);
        FloatPointer in = s.input;
        for (int l = 0; l < weights.length; l++) {
            int inDim = dims[l], outDim = dims[l + 1];
            if (rows == 1) Blas.gemv(threads, outDim, inDim, weights[l], in, s.act[l]);
            else Blas.gemmNT(threads, rows, outDim, inDim, in, weights[l], s.act[l]);
            FloatBuffer y = s.actView[l];
            float[] b = biases[l];
            Activation act = activations[l];
            if ((long) rows * outDim < PARALLEL_EPILOGUE) biasAndActivation(y, 0, rows, outDim, b, act);
            else passes.forRange(rows, outDim, (from, to) -> biasAndActivation(y, from, to, outDim, b, act));
            in = s.act[l];
        }
        return s.actView[weights.length - 1];
    }

    /** y = act(y + b) over rows [from, to) of (rows, outDim), the reference's double epilogue. */
    private static void biasAndActivation(FloatBuffer y, int from, int to, int outDim, float[] b, Activation act) {
        for (int r = from; r < to; r++) {
            int off = r * outDim;
            for (int o = 0; o < outDim; o++) y.put(off + o, (float) act.apply((double) y.get(off + o) + b[o]));
        }
    }
}
