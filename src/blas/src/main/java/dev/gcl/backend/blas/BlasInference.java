package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.RowParallel;
import dev.gcl.nn.NetworkScorer;
import dev.gcl.nn.NetworkWeights;
import org.bytedeco.javacpp.FloatPointer;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fast scoring with one network: its weights copied once into native memory, every product single-threaded
 * OpenBLAS on the thread that needs it. A batch is cut into chunks of {@link #chunkRows()} rows from its first row
 * (smaller ones at its end, {@link #chunkAt}); each chunk runs through the whole network on one thread (input copy,
 * sgemm, bias and activation, the next layer, the score), so its activations stay in cache between layers and no
 * thread waits for another between products.
 * A batch with enough work hands its chunks out to {@code threads} threads as they become free; one row takes sgemv
 * on the calling thread.
 *
 * <p>Thread-safe; immutable after construction except for its buffers. Every call, split or not, runs in a shared
 * single-threaded section of {@link Blas} (OpenBLAS's pool at size 1, each product on the thread that needs it), so
 * single rows, small batches and split batches of any number of callers run at once: a large batch never makes a
 * single row wait for it (issue 28: the exclusive section it took before stalled every other caller for the whole
 * batch). Each thread, the callers' and the split batches' workers, keeps its own chunk buffers; after a thread's
 * first call of a given size nothing is allocated, except a few task objects per split batch.
 *
 * <p>A row's score depends only on the row, its position in its chunk and the chunk's size, never on the thread
 * that ran the chunk or on how many threads there are: the same call is bit-identical at any thread count on the
 * same machine (another CPU may get other OpenBLAS kernels).
 */
public final class BlasInference implements NetworkScorer {
    /**
     * Input floats per chunk (8 MB: 1,024 rows at D = 2048): a chunk's input and activations stay in the last-level
     * cache, and a batch of 8192 rows makes 8 chunks for threads to share. Paired against PyTorch on 2 cores
     * (benchmarks/README.md), 1,024 rows scored faster than 512 or 2,048.
     */
    static final long CHUNK_INPUT_FLOATS = 1L << 21;
    /**
     * Rows a tail chunk has at least: smaller products would spend more time packing the weights (OpenBLAS packs
     * them on every call) than multiplying.
     */
    static final int MIN_TAIL_ROWS = 32;
    /** Batches with less work than this (multiply-adds) run on the calling thread alone. */
    public static final long SPLIT_WORK = 1L << 24;

    private final int[] dims;
    private final Activation[] activations;
    private final FloatPointer[] weights;
    private final float[][] biases;
    /** Each ReLU layer's bias cut into BlasVectorMath's pieces (its vectorised ReLU pass), else null. */
    private final float[][][] biasPieces;
    private final long macsPerRow;
    private final int threads;
    private final int chunkRows;
    /** The threads of a split batch; null with one thread. */
    private final RowParallel parts;
    /** Each thread's buffers, grown to the largest chunk it ran. */
    private final ThreadLocal<Chunk[]> threadChunk = ThreadLocal.withInitial(() -> new Chunk[1]);

    /** Throws IllegalStateException with the probe's reason when OpenBLAS does not load. */
    public BlasInference(NetworkWeights net, int threads) {
        this(net, threads, (int) Math.max(16, Math.min(4096, CHUNK_INPUT_FLOATS / net.inputDim())));
    }

    /** With a chosen chunk size (tests: chunk boundaries on small data; benchmarks). */
    BlasInference(NetworkWeights net, int threads, int chunkRows) {
        if (chunkRows < 1) throw new IllegalArgumentException("chunkRows must be >= 1, got " + chunkRows);
        BlasProbe probe = BlasProbe.get();
        if (!probe.available()) throw new IllegalStateException("blas scoring unavailable: " + probe.reason());
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.parts = threads == 1 ? null : new RowParallel(threads);  // daemon workers end when idle
        int layers = net.layers();
        dims = net.dims();
        activations = new Activation[layers];
        weights = new FloatPointer[layers];
        biases = new float[layers][];
        biasPieces = new float[layers][][];
        long macs = 0;
        for (int l = 0; l < layers; l++) {
            activations[l] = net.activation(l);
            weights[l] = new FloatPointer(net.weight(l));
            biases[l] = net.bias(l);
            if (activations[l] == Activation.RELU) biasPieces[l] = BlasVectorMath.pieces(biases[l], dims[l + 1]);
            macs += (long) dims[l] * dims[l + 1];
        }
        macsPerRow = macs;
        this.chunkRows = chunkRows;
    }

    /** Rows per chunk: each product has at most this many rows. */
    public int chunkRows() {
        return chunkRows;
    }

    /** Native buffers for up to {@code rows} rows: the input rows and every layer's output. */
    private final class Chunk {
        final int rows;
        final FloatPointer input;
        final FloatBuffer inputView;
        final FloatPointer[] act;
        final FloatBuffer[] actView;

        Chunk(int rows) {
            this.rows = rows;
            input = new FloatPointer((long) rows * dims[0]);
            inputView = input.asBuffer();
            act = new FloatPointer[dims.length - 1];
            actView = new FloatBuffer[act.length];
            for (int l = 0; l < act.length; l++) {
                act[l] = new FloatPointer((long) rows * dims[l + 1]);
                actView[l] = act[l].asBuffer();
            }
        }
    }

    /**
     * Writes one score per row of x (rows, inputDim) into out[0..rows). VALUE needs a network with one output.
     * Allocates nothing after the calling thread's first call of this size, except a few task objects when the
     * batch is split ({@link #SPLIT_WORK} multiply-adds and more, more than one thread).
     */
    @Override
    public void score(float[] x, int rows, float[] out, Output output) {
        score(x, null, rows, out, null, output);
    }

    /**
     * {@link #score(float[], int, float[], Output)} on buffers, by absolute index: a direct x is read in place by the
     * first layer's products (no copy into native memory); a heap one is copied per chunk as arrays are.
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
        boolean split = parts != null && rows >= 2 * threads && rows * macsPerRow >= SPLIT_WORK;
        // the caller's section keeps OpenBLAS's pool at size 1 until the whole call, its workers' products included,
        // has ended; the workers take no lock of their own (a queued resize would block them behind the caller)
        Blas.enterSingleThreaded();
        try {
            if (!split) {
                Chunk chunk = threadChunk(Math.min(rows, chunkRows));
                for (int first = 0; first < rows; first += chunkAt(rows, first)) {
                    scoreChunk(xa, xb, first, chunkAt(rows, first), outA, outB, output, chunk);
                }
                return;
            }
            AtomicInteger nextRow = new AtomicInteger();
            parts.forEachPart(threads, p -> {
                // chunks are handed out in order as threads become free: a thread slowed by anything else on its
                // core does fewer of them; which thread runs a chunk does not change its numbers
                Chunk chunk = threadChunk(chunkRows);
                while (true) {
                    int first = nextRow.get();
                    if (first >= rows) return;
                    int n = chunkAt(rows, first);
                    if (nextRow.compareAndSet(first, first + n)) scoreChunk(xa, xb, first, n, outA, outB, output, chunk);
                }
            });
        } finally {
            Blas.exitSingleThreaded();
        }
    }

    /**
     * Rows in the chunk that starts at row {@code first} of a batch of {@code rows}: chunkRows, and in the batch's
     * last (at most 2·chunkRows) rows an eighth of those rows but at least {@link #MIN_TAIL_ROWS}, so that threads run
     * out of work within a small chunk of each other and a small batch still makes a few chunks. A function of
     * (rows, first) alone: the same chunks at any thread count.
     */
    int chunkAt(int rows, int first) {
        int r = chunkRows;
        int tailBegin = rows <= 2 * r ? 0 : r * ((rows - r - 1) / r);  // the first multiple of r within 2r of the end
        if (first < tailBegin) return r;
        int tail = rows - tailBegin;
        int size = Math.min(r, Math.max(MIN_TAIL_ROWS, (tail + 7) / 8));
        return Math.min(size, rows - first);
    }

    private Chunk threadChunk(int rows) {
        Chunk[] holder = threadChunk.get();
        if (holder[0] == null || holder[0].rows < rows) holder[0] = new Chunk(rows);
        return holder[0];
    }

    /** Scores rows [first, first + n) of x (the array xa or else the buffer xb) on the calling thread. */
    private void scoreChunk(float[] xa, FloatBuffer xb, int first, int n, float[] outA, FloatBuffer outB,
                            Output output, Chunk c) {
        FloatBuffer y = forwardChunk(xa, xb, first, n, c);
        if (output == Output.VALUE) {
            if (outA != null) y.get(0, outA, first, n);
            else outB.put(first, y, 0, n);
            return;
        }
        int inDim = dims[0];
        for (int r = 0; r < n; r++) {  // the reference's double sum, while the chunk is in cache
            double sum = 0;
            int xOff = (first + r) * inDim, yOff = r * inDim;
            for (int j = 0; j < inDim; j++) {
                double diff = (double) y.get(yOff + j) - (xa != null ? xa[xOff + j] : xb.get(xOff + j));
                sum += diff * diff;
            }
            float e = (float) (sum / inDim);
            if (outA != null) outA[first + r] = e;
            else outB.put(first + r, e);
        }
    }

    /**
     * Runs rows [first, first + n) of x through the network; returns the chunk's view of the output (n, outDim).
     * A direct buffer in native order is the first product's input as it lies; arrays and other buffers are copied
     * into the chunk.
     */
    private FloatBuffer forwardChunk(float[] xa, FloatBuffer xb, int first, int n, Chunk c) {
        FloatPointer in;
        if (xb != null && xb.isDirect() && xb.order() == java.nio.ByteOrder.nativeOrder()) {
            in = new FloatPointer(xb.duplicate().clear()).position((long) first * dims[0]);
        } else {
            if (xa != null) c.inputView.put(0, xa, first * dims[0], n * dims[0]);
            else c.inputView.put(0, xb, first * dims[0], n * dims[0]);
            in = c.input;
        }
        for (int l = 0; l < weights.length; l++) {
            int inDim = dims[l], outDim = dims[l + 1];
            if (n == 1) Blas.gemvOnCallerThread(outDim, inDim, weights[l], in, c.act[l]);
            else Blas.gemmNTOnCallerThread(n, outDim, inDim, in, weights[l], c.act[l]);
            biasAndActivation(c.actView[l], n, outDim, biases[l], biasPieces[l], activations[l]);
            in = c.act[l];
        }
        return c.actView[weights.length - 1];
    }

    /**
     * y = act(y + b) over (rows, outDim): the reference's epilogue, (float) act((double) y + b). For ReLU the float
     * sum is the same number (double rounding of a sum of two floats is innocuous: 53 >= 2·24 + 2), so it runs in
     * float, branch-free and vectorised (BlasVectorMath's pass over the bias's pieces).
     */
    private static void biasAndActivation(FloatBuffer y, int rows, int outDim, float[] b, float[][] pieces,
                                          Activation act) {
        if (act == Activation.RELU) {
            for (int r = 0, off = 0; r < rows; r++, off += outDim) BlasVectorMath.biasRelu(y, pieces, off, outDim);
            return;
        }
        for (int r = 0, off = 0; r < rows; r++, off += outDim) {
            for (int o = 0; o < outDim; o++) y.put(off + o, (float) act.apply((double) y.get(off + o) + b[o]));
        }
    }
}
