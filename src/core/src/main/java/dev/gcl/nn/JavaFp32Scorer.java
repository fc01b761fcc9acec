package dev.gcl.nn;

import dev.gcl.backend.Activation;
import dev.gcl.backend.RowParallel;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FP32 scoring in plain Java, for machines without OpenBLAS (issue 28: "a fast scorer with no natives"). Each layer
 * is y = act(x·Wᵀ + b) computed as row-major axpy over the transposed weights: for four inputs i at a time,
 * {@code y[r][o] += x[r][i]·Wt[i][o] + … + x[r][i+3]·Wt[i+3][o]} with the inner loop over contiguous o, which C2
 * auto-vectorises (no jdk.incubator.vector). Every weight row Wt[i] and activation row is its own array: C2 (JDK 17)
 * vectorised the same loop over one flat array at row offsets about 5× worse (70 against 330 µs for 2048 × 512
 * here). Blocked for cache: {@link #ROW_BLOCK} rows share each block of
 * {@link #OUT_BLOCK} weight columns while it is in L1, and a chunk of {@link #CHUNK_ROWS} rows goes through the whole
 * network on one thread.
 *
 * <p>Deterministic: a row's sums run over i in the same order whatever the batch, its split or the thread count,
 * so a row's score depends on the row alone (one row scores the same bits as inside any batch). The epilogue is the
 * reference's (bias, then the activation; (float) act((double) y + b) except ReLU, exact in float) and the
 * reconstruction error sums in double, as {@code BlasInference} does.
 *
 * <p>Thread-safe: each calling thread keeps its own activation buffers (made on its first call; nothing allocated
 * after it but a few task objects when a batch is split over {@code threads} threads).
 */
public final class JavaFp32Scorer implements NetworkScorer {
    /** Rows sharing a block of weights while it is in L1 (8 rows × 512 outputs of y: 16 KB). */
    static final int ROW_BLOCK = 8;
    /** Output columns per block: 4 weight rows of them (8 KB) and the rows' y stay in L1. */
    static final int OUT_BLOCK = 512;
    /** Rows a thread runs through the whole network at a time: its activations stay in L2. */
    static final int CHUNK_ROWS = 64;
    /** Batches with less work than this (multiply-adds) run on the calling thread alone. */
    public static final long SPLIT_WORK = 1L << 24;

    private final int[] dims;
    private final Activation[] activations;
    /** Layer l's weights transposed, one array per input: transposed[l][i][o] = W_l[o][i]. */
    private final float[][][] transposed;
    private final float[][] biases;
    private final long macsPerRow;
    private final int threads;
    /** The threads of a split batch; null with one thread. */
    private final RowParallel parts;
    /** Each thread's activations of one chunk: [layer][row][unit]. */
    private final ThreadLocal<float[][][]> scratch;

    public JavaFp32Scorer(NetworkWeights net, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.parts = threads == 1 ? null : new RowParallel(threads);  // daemon workers end when idle
        int layers = net.layers();
        dims = net.dims();
        activations = new Activation[layers];
        transposed = new float[layers][][];
        biases = new float[layers][];
        long macs = 0;
        for (int l = 0; l < layers; l++) {
            int in = dims[l], out = dims[l + 1];
            activations[l] = net.activation(l);
            float[] w = net.weight(l);
            float[][] t = new float[in][out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) t[i][o] = w[o * in + i];
            }
            transposed[l] = t;
            biases[l] = net.bias(l);
            macs += (long) in * out;
        }
        macsPerRow = macs;
        scratch = ThreadLocal.withInitial(() -> {
            float[][][] act = new float[layers][][];
            for (int l = 0; l < layers; l++) act[l] = new float[CHUNK_ROWS][dims[l + 1]];
            return act;
        });
    }

    @Override
    public void score(float[] x, int rows, float[] out, Output output) {
        score(x, null, rows, out, null, output);
    }

    /**
     * {@link #score(float[], int, float[], Output)} reading x (rows, inputDim) from the buffer's index 0 and writing
     * out[0..rows) by absolute index, in place: direct (off-heap) buffers are not copied.
     */
    @Override
    public void score(FloatBuffer x, int inputDim, int rows, FloatBuffer out, Output output) {
        if (inputDim != dims[0]) throw new IllegalArgumentException("inputDim " + inputDim + ", the network's " + dims[0]);
        score(null, x, rows, null, out, output);
    }

    /** Either array or buffer on each side (the other null). */
    private void score(float[] xa, FloatBuffer xb, int rows, float[] outA, FloatBuffer outB, Output output) {
        output.requireFits(dims[0], dims[dims.length - 1]);
        if (rows <= 0) return;
        if (parts == null || rows < 2 * CHUNK_ROWS || rows * macsPerRow < SPLIT_WORK) {
            float[][][] act = scratch.get();
            for (int first = 0; first < rows; first += CHUNK_ROWS) {
                scoreChunk(xa, xb, first, Math.min(CHUNK_ROWS, rows - first), outA, outB, output, act);
            }
            return;
        }
        AtomicInteger nextRow = new AtomicInteger();
        // chunks are handed out as threads become free; a row's numbers do not depend on which thread runs it
        parts.forEachPart(threads, p -> {
            float[][][] act = scratch.get();
            for (int first; (first = nextRow.getAndAdd(CHUNK_ROWS)) < rows; ) {
                scoreChunk(xa, xb, first, Math.min(CHUNK_ROWS, rows - first), outA, outB, output, act);
            }
        });
    }

    /** Scores rows [first, first + n) on the calling thread. */
    private void scoreChunk(float[] xa, FloatBuffer xb, int first, int n, float[] outA, FloatBuffer outB,
                            Output output, float[][][] act) {
        int inDim = dims[0];
        layer(xa, xb, first * inDim, null, n, 0, act[0]);
        for (int l = 1; l < transposed.length; l++) layer(null, null, 0, act[l - 1], n, l, act[l]);
        float[][] y = act[transposed.length - 1];
        if (output == Output.VALUE) {
            for (int r = 0; r < n; r++) put(outA, outB, first + r, y[r][0]);
            return;
        }
        for (int r = 0; r < n; r++) {  // the reference's double sum, while the chunk is in cache
            double sum = 0;
            int xOff = (first + r) * inDim;
            float[] yr = y[r];
            for (int j = 0; j < inDim; j++) {
                double diff = (double) yr[j] - (xa != null ? xa[xOff + j] : xb.get(xOff + j));
                sum += diff * diff;
            }
            put(outA, outB, first + r, (float) (sum / inDim));
        }
    }

    private static void put(float[] outA, FloatBuffer outB, int index, float v) {
        if (outA != null) outA[index] = v;
        else outB.put(index, v);
    }

    /**
     * y[r] (n rows of out) = act(x_r · Wtᵀ + b). x is the previous layer's rows xr, or for the first layer the
     * network's input from xOff: the array xa or else the buffer xb. Per row and output the sum runs over i in order,
     * four terms at a time: y += ((x_i·w_i + x_i+1·w_i+1) + x_i+2·w_i+2) + x_i+3·w_i+3.
     */
    private void layer(float[] xa, FloatBuffer xb, int xOff, float[][] xr, int n, int l, float[][] y) {
        int in = dims[l], out = dims[l + 1];
        float[][] wt = transposed[l];
        for (int r = 0; r < n; r++) java.util.Arrays.fill(y[r], 0f);
        int quads = in & ~3;
        for (int rb = 0; rb < n; rb += ROW_BLOCK) {
            int re = Math.min(n, rb + ROW_BLOCK);
            for (int ob = 0; ob < out; ob += OUT_BLOCK) {
                int oe = Math.min(out, ob + OUT_BLOCK);
                for (int i = 0; i < quads; i += 4) {
                    float[] w0 = wt[i], w1 = wt[i + 1], w2 = wt[i + 2], w3 = wt[i + 3];
                    for (int r = rb; r < re; r++) {
                        float a0, a1, a2, a3;
                        if (xr != null) {
                            float[] x = xr[r];
                            a0 = x[i]; a1 = x[i + 1]; a2 = x[i + 2]; a3 = x[i + 3];
                        } else {
                            int k = xOff + r * in + i;
                            if (xa != null) {
                                a0 = xa[k]; a1 = xa[k + 1]; a2 = xa[k + 2]; a3 = xa[k + 3];
                            } else {
                                a0 = xb.get(k); a1 = xb.get(k + 1); a2 = xb.get(k + 2); a3 = xb.get(k + 3);
                            }
                        }
                        float[] yr = y[r];
                        for (int o = ob; o < oe; o++) {
                            yr[o] += a0 * w0[o] + a1 * w1[o] + a2 * w2[o] + a3 * w3[o];
                        }
                    }
                }
                for (int i = quads; i < in; i++) {  // the last in % 4 inputs, one at a time
                    float[] w = wt[i];
                    for (int r = rb; r < re; r++) {
                        int k = xOff + r * in + i;
                        float a = xr != null ? xr[r][i] : xa != null ? xa[k] : xb.get(k);
                        float[] yr = y[r];
                        for (int o = ob; o < oe; o++) yr[o] += a * w[o];
                    }
                }
            }
        }
        biasAndActivation(y, n, out, biases[l], activations[l]);
    }

    /** The reference's epilogue: (float) act((double) y + b); for ReLU the float sum is the same number. */
    private static void biasAndActivation(float[][] y, int rows, int out, float[] b, Activation act) {
        for (int r = 0; r < rows; r++) {
            float[] yr = y[r];
            if (act == Activation.RELU) {
                for (int o = 0; o < out; o++) yr[o] = Activation.relu(yr[o] + b[o]);
            } else {
                for (int o = 0; o < out; o++) yr[o] = (float) act.apply((double) yr[o] + b[o]);
            }
        }
    }
}
