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
 * <p>Thread-safe; immutable after construction except for its buffers. Each calling thread keeps its own chunk
 * buffers for batches it runs alone (one row, or too little work to split: any number of such calls run at once);
 * split batches run one at a time on buffers of this object (see {@link Blas}). After a thread's first call of a
 * given size nothing is allocated, except a few task objects per split batch.
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
    private final long macsPerRow;
    private final int threads;
    private final int chunkRows;
    /** The threads of a split batch; null with one thread. */
    private final RowParallel parts;
    /** Each calling thread's buffers, grown to the largest chunk it ran alone. */
    private final ThreadLocal<Chunk[]> callerChunk = ThreadLocal.withInitial(() -> new Chunk[1]);
    /** One chunk's buffers per thread of a split batch: used under Blas's exclusive section only. */
    private Chunk[] partChunks;
    /** The first row of the next chunk of the split batch running now (under the exclusive section). */
    private final AtomicInteger nextRow = new AtomicInteger();

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
        long macs = 0;
        for (int l = 0; l < layers; l++) {
            activations[l] = net.activation(l);
            weights[l] = new FloatPointer(net.weight(l));
            biases[l] = net.bias(l);
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
        if (output == Output.VALUE && dims[dims.length - 1] != 1) {
            throw new IllegalArgumentException("VALUE needs one output unit, the network has " + dims[dims.length - 1]);
        }
        if (output == Output.RECONSTRUCTION_ERROR && dims[dims.length - 1] != dims[0]) {
            throw new IllegalArgumentException("RECONSTRUCTION_ERROR needs outputDim == inputDim");
        }
        if (rows <= 0) return;
        if (parts == null || rows < 2 * threads || rows * macsPerRow < SPLIT_WORK) {
            Chunk chunk = callerChunk(Math.min(rows, chunkRows));
            Blas.enterSingleThreaded();
            try {
                for (int first = 0; first < rows; first += chunkAt(rows, first)) {
                    scoreChunk(x, first, chunkAt(rows, first), out, output, chunk);
                }
            } finally {
                Blas.exitSingleThreaded();
            }
            return;
        }
        Blas.enterExclusiveSingleThreaded();
        try {
            Chunk[] buffers = partChunks();
            nextRow.set(0);
            parts.forEachPart(threads, p -> {
                // chunks are handed out in order as threads become free: a thread slowed by anything else on its
                // core does fewer of them; which thread runs a chunk does not change its numbers
                while (true) {
                    int first = nextRow.get();
                    if (first >= rows) return;
                    int n = chunkAt(rows, first);
                    if (nextRow.compareAndSet(first, first + n)) scoreChunk(x, first, n, out, output, buffers[p]);
                }
            });
        } finally {
            Blas.exitExclusiveSingleThreaded();
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

    private Chunk callerChunk(int rows) {
        Chunk[] holder = callerChunk.get();
        if (holder[0] == null || holder[0].rows < rows) holder[0] = new Chunk(rows);
        return holder[0];
    }

    /** Under the exclusive section: made on the first split batch. */
    private Chunk[] partChunks() {
        if (partChunks == null) {
            Chunk[] c = new Chunk[threads];
            for (int p = 0; p < threads; p++) c[p] = new Chunk(chunkRows);
            partChunks = c;
        }
        return partChunks;
    }

    /** Scores rows [first, first + n) of x on the calling thread. */
    private void scoreChunk(float[] x, int first, int n, float[] out, Output output, Chunk c) {
        FloatBuffer y = forwardChunk(x, first, n, c);
        if (output == Output.VALUE) {
            y.get(0, out, first, n);
            return;
        }
        int inDim = dims[0];
        for (int r = 0; r < n; r++) {  // the reference's double sum, while the chunk is in cache
            double sum = 0;
            int xOff = (first + r) * inDim, yOff = r * inDim;
            for (int j = 0; j < inDim; j++) {
                double diff = (double) y.get(yOff + j) - x[xOff + j];
                sum += diff * diff;
            }
            out[first + r] = (float) (sum / inDim);
        }
    }

    /** Runs rows [first, first + n) of x through the network; returns the chunk's view of the output (n, outDim). */
    private FloatBuffer forwardChunk(float[] x, int first, int n, Chunk c) {
        c.inputView.put(0, x, first * dims[0], n * dims[0]);
        FloatPointer in = c.input;
        for (int l = 0; l < weights.length; l++) {
            int inDim = dims[l], outDim = dims[l + 1];
            if (n == 1) Blas.gemvOnCallerThread(outDim, inDim, weights[l], in, c.act[l]);
            else Blas.gemmNTOnCallerThread(n, outDim, inDim, in, weights[l], c.act[l]);
            biasAndActivation(c.actView[l], n, outDim, biases[l], activations[l]);
            in = c.act[l];
        }
        return c.actView[weights.length - 1];
    }

    /**
     * y = act(y + b) over (rows, outDim): the reference's epilogue, (float) act((double) y + b). For ReLU the float
     * sum is the same number (double rounding of a sum of two floats is innocuous: 53 >= 2·24 + 2), so it runs in
     * float, branch-free.
     */
    private static void biasAndActivation(FloatBuffer y, int rows, int outDim, float[] b, Activation act) {
        if (act == Activation.RELU) {
            for (int r = 0, off = 0; r < rows; r++, off += outDim) {
                for (int o = 0; o < outDim; o++) y.put(off + o, Activation.relu(y.get(off + o) + b[o]));
            }
            return;
        }
        for (int r = 0, off = 0; r < rows; r++, off += outDim) {
            for (int o = 0; o < outDim; o++) y.put(off + o, (float) act.apply((double) y.get(off + o) + b[o]));
        }
    }
}
