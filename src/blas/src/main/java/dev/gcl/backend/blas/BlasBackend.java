package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.RowParallel;
import dev.gcl.backend.reference.HostBackend;
import dev.gcl.backend.reference.VectorMath;
import dev.gcl.io.FeatureRows;
import dev.gcl.rng.RandomStream;
import org.bytedeco.javacpp.FloatPointer;

import java.nio.FloatBuffer;

/**
 * The fast CPU backend: the three dense GEMMs in FP32 through OpenBLAS, RMSprop in FP32 as PyTorch computes it,
 * row MSE and the weighted MSE with its gradient in FP32 lanes ({@link BlasVectorMath}), the dense layers'
 * bias/activation and dz/dB passes in faster code of its own with the reference's bits, everything else the
 * reference's own code ({@link HostBackend}'s ops over {@link VectorMath}, as in
 * {@link dev.gcl.backend.reference.ReferenceBackend}, split over threads by rows): the GEMM outputs, the MSE ops and
 * the optimiser step differ from the reference, within the bounds of
 * {@link dev.gcl.verify.ParityTolerances#blasFp32()}. Buffers live in native memory (OpenBLAS reads them in place);
 * a {@link #share shared} host array stays on the heap and is only ever gathered from.
 *
 * <p>Deterministic at a fixed thread count: OpenBLAS splits a product across threads by output blocks, never
 * inside one sum, and the Java passes have no cross-thread sums. Products of small batches (at most
 * {@link #SPLIT_ROWS} rows) are split by gcl into a fixed number of single-threaded parts, the same bits on any
 * thread count. Across thread counts or CPUs the GEMM kernels
 * OpenBLAS picks may sum in another order (last-bit differences).
 */
public final class BlasBackend extends HostBackend {
    /** dz of denseBackward (rows, outDim), reused across calls. */
    private Floats dzScratch;
    /** Philox output on the heap before it is copied in, reused across calls. */
    private float[] hostScratch = new float[0];
    /** A layer's bias on the heap for the bias-and-activation pass, reused across calls. */
    private float[] biasScratch = new float[0];
    /** The streaming passes (row MSE, weighted MSE, bias and activation, dz and dB), the reference's bits. */
    private final BlasVectorMath vectors;

    /** A backend using every available core. */
    public BlasBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A backend using {@code threads} threads for OpenBLAS and for its Java parallel. Throws IllegalStateException
     * with the probe's reason when OpenBLAS does not load.
     */
    public BlasBackend(int threads) {
        super(new RowParallel(requireOpenBlas(threads)));
        this.vectors = new BlasVectorMath(parallel);
    }

    private static int requireOpenBlas(int threads) {
        BlasProbe probe = BlasProbe.get();
        if (!probe.available()) throw new IllegalStateException("blas backend unavailable: " + probe.reason());
        return threads;
    }

    @Override
    public String name() {
        return "blas";
    }

    // ---------------------------------------------------------------- buffers

    /** Native memory (ptr, view) or, when shared, a read-only heap array seen through a heap view. */
    private static final class Floats implements DeviceFloats {
        final FloatPointer ptr;
        final FloatBuffer view;
        final float[] host;
        final int length;

        Floats(int n) {
            length = n;
            host = null;
            ptr = new FloatPointer(Math.max(1, n));
            ptr.zero();
            view = n == 0 ? FloatBuffer.allocate(0) : ptr.capacity(n).asBuffer();
        }

        Floats(float[] shared) {
            length = shared.length;
            host = shared;
            ptr = null;
            view = FloatBuffer.wrap(shared);
        }

        @Override public int length() { return length; }
    }

    private Floats buf(DeviceFloats b) {
        return live.get(b, Floats.class);
    }

    private FloatBuffer f(DeviceFloats b) {
        Floats x = buf(b);
        return x == null ? null : x.view;
    }

    @Override
    protected FloatBuffer floats(DeviceFloats b) {
        return f(b);
    }

    @Override
    protected DeviceFloats newFloats(int length) {
        return new Floats(length);
    }

    @Override
    protected DeviceFloats wrapShared(float[] host) {
        return new Floats(host);
    }

    @Override
    public void upload(float[] src, int srcOffset, DeviceFloats dst, int dstOffset, int n) {
        Floats d = buf(dst);
        if (d.host != null) throw new IllegalArgumentException("shared buffers are read-only");
        d.view.put(dstOffset, src, srcOffset, n);
    }

    @Override
    public void download(DeviceFloats src, int srcOffset, float[] dst, int dstOffset, int n) {
        f(src).get(srcOffset, dst, dstOffset, n);
    }

    @Override
    public void fill(DeviceFloats buffer, float value) {
        Floats b = buf(buffer);
        if (b.host != null) throw new IllegalArgumentException("shared buffers are read-only");
        FloatBuffer v = b.view;
        if (value == 0f && Float.floatToRawIntBits(value) == 0) {
            b.ptr.zero();
            return;
        }
        parallel.forRange(b.length, 1, (from, to) -> {
            for (int k = from; k < to; k++) v.put(k, value);
        });
    }

    @Override
    public void copy(DeviceFloats src, int srcOffset, DeviceFloats dst, int dstOffset, int n) {
        Floats d = buf(dst);
        if (d.host != null) throw new IllegalArgumentException("shared buffers are read-only");
        d.view.put(dstOffset, f(src), srcOffset, n);
    }

    private void release(Floats b) {
        if (b.ptr != null) b.ptr.close();
    }

    @Override
    public void free(DeviceFloats buffer) {
        Floats b = buf(buffer);
        live.remove(buffer);
        release(b);
    }

    @Override
    public void close() {
        if (live.closed()) return;
        for (Object b : live.close()) if (b instanceof Floats) release((Floats) b);
        if (dzScratch != null) release(dzScratch);
        dzScratch = null;
        hostScratch = new float[0];
        parallel.close();
    }

    /** The native pointer of a GEMM operand; a shared heap array is copied (rare: ops only gather from it). */
    private static FloatPointer gemmOperand(Floats b) {
        if (b.ptr != null) return b.ptr;
        FloatPointer p = new FloatPointer(Math.max(1, b.length));
        p.put(b.host, 0, b.length);
        return p;
    }

    /** Frees what {@link #gemmOperand} copied (nothing for a native buffer). */
    private static void closeCopy(FloatPointer p, Floats b) {
        if (p != null && p != b.ptr) p.close();
    }

    // ---------------------------------------------------------------- dense layers

    /**
     * Products of at most this many batch rows run as {@link #product split products}; larger ones on OpenBLAS's
     * own pool. At B 64 a second OpenBLAS pool thread added almost nothing (32.2 s against 30.9 s for a run,
     * FIELD-NOTES 2026-12-02): its threads synchronise inside every small product and spin while the Java passes
     * run.
     */
    static final int SPLIT_ROWS = 512;
    /**
     * The parts of a split product, whatever the thread count: the parts' results do not depend on how many
     * threads run them, so a small-batch run gives the same bits on 1, 2 or 4 threads (OpenBLAS's own kernels, and
     * its small-matrix paths, may sum a part in another order than the whole product: the part count is fixed).
     */
    static final int SPLIT_PARTS = 4;

    private static boolean splits(int rows) {
        return rows <= SPLIT_ROWS;
    }

    /**
     * c (m, n) = op(a) · op(b) in {@link #SPLIT_PARTS} parts, each a single-threaded OpenBLAS call, handed to the
     * backend's threads by gcl (OpenBLAS's pool held at one thread meanwhile): by columns of c (each part packs its
     * share of b, the large operand of a small batch's forward and dIn products), or by rows of c (byRows: dW).
     * One thread runs the parts in a shared single-threaded section (a sweep's one-thread runs multiply at the same
     * time); more threads take OpenBLAS exclusively, as a pool product does.
     */
    private void product(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, int lda,
                         FloatPointer b, int ldb, FloatPointer c, int ldc, boolean byRows) {
        int total = byRows ? m : n;
        int parts = Math.min(SPLIT_PARTS, total);
        RowParallel.RangeBody body = (pFrom, pTo) -> {
            for (int p = pFrom; p < pTo; p++) {
                int from = (int) ((long) total * p / parts), to = (int) ((long) total * (p + 1) / parts);
                if (byRows) {
                    long aOff = transA ? from : (long) from * lda;
                    Blas.sgemmOnCallerThread(transA, transB, to - from, n, k, a, aOff, lda, b, 0, ldb, c,
                            (long) from * ldc, ldc);
                } else {
                    long bOff = transB ? (long) from * ldb : from;
                    Blas.sgemmOnCallerThread(transA, transB, m, to - from, k, a, 0, lda, b, bOff, ldb, c, from, ldc);
                }
            }
        };
        if (parallel.threads() == 1) {
            Blas.enterSingleThreaded();
            try {
                body.run(0, parts);
            } finally {
                Blas.exitSingleThreaded();
            }
            return;
        }
        Blas.enterExclusiveSingleThreaded();
        try {
            parallel.forRange(parts, Long.MAX_VALUE / SPLIT_PARTS, body);  // always on the pool: one task per part
        } finally {
            Blas.exitExclusiveSingleThreaded();
        }
    }

    @Override
    public void denseForward(DeviceFloats in, DeviceFloats w, DeviceFloats b, DeviceFloats out,
                             int rows, int inDim, int outDim, Activation act) {
        Floats x = buf(in), wt = buf(w), y = buf(out);
        FloatBuffer bias = f(b);
        FloatPointer xp = gemmOperand(x), wp = gemmOperand(wt);
        try {
            // y = x · wᵀ in FP32, then y = act(y + b) in one pass over the GEMM output
            if (splits(rows)) product(false, true, rows, outDim, inDim, xp, inDim, wp, inDim, y.ptr, outDim, false);
            else Blas.gemmNT(parallel.threads(), rows, outDim, inDim, xp, wp, y.ptr);
        } finally {
            closeCopy(xp, x);
            closeCopy(wp, wt);
        }
        if (biasScratch.length < outDim) biasScratch = new float[outDim];
        float[] bh = biasScratch;
        bias.get(0, bh, 0, outDim);
        vectors.biasActivation(y.view, bh, rows, outDim, act);
    }

    @Override
    public void denseBackward(DeviceFloats in, DeviceFloats w, DeviceFloats out, DeviceFloats dOut,
                              DeviceFloats dIn, DeviceFloats dW, DeviceFloats dB,
                              int rows, int inDim, int outDim, Activation act) {
        Floats x = buf(in), wt = buf(w), dx = buf(dIn), gw = buf(dW);
        FloatBuffer y = f(out), dy = f(dOut), gb = f(dB);
        if (dzScratch == null || dzScratch.length < rows * outDim) {
            if (dzScratch != null) release(dzScratch);
            dzScratch = new Floats(rows * outDim);
        }
        // dz = dOut ⊙ act'(out), and dB = column sums of dz in double, rows ascending (the reference's dB, bit for
        // bit), in one pass over column blocks
        vectors.activationGrad(y, dy, dzScratch.view, gb, rows, outDim, act);
        FloatPointer xp = null, wp = null;
        try {
            if (dx != null) {
                // dIn (rows, inDim) = dz (rows, outDim) · w (outDim, inDim)
                wp = gemmOperand(wt);
                if (splits(rows)) {
                    product(false, false, rows, inDim, outDim, dzScratch.ptr, outDim, wp, inDim, dx.ptr, inDim, false);
                } else {
                    Blas.gemmNN(parallel.threads(), rows, inDim, outDim, dzScratch.ptr, wp, dx.ptr);
                }
            }
            // dW (outDim, inDim) = dzᵀ · in, dz (rows, outDim), in (rows, inDim)
            xp = gemmOperand(x);
            if (splits(rows)) product(true, false, outDim, inDim, rows, dzScratch.ptr, outDim, xp, inDim, gw.ptr, inDim, true);
            else Blas.gemmTN(parallel.threads(), outDim, inDim, rows, dzScratch.ptr, xp, gw.ptr);
        } finally {
            closeCopy(xp, x);
            closeCopy(wp, wt);
        }
    }

    // ---------------------------------------------------------------- losses (FP32 lanes, within blasFp32's bounds)

    @Override
    public void rowMse(DeviceFloats a, DeviceFloats b, DeviceFloats err, int rows, int cols) {
        vectors.rowMse(f(a), f(b), f(err), rows, cols);
    }

    @Override
    public void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights, DeviceFloats dOut,
                                DeviceFloats loss, int rows, int cols) {
        vectors.weightedMseGrad(f(out), f(target), f(weights), f(dOut), f(loss), rows, cols);
    }

    // ---------------------------------------------------------------- optimiser

    /** Elements of RMSprop's four arrays copied to the heap at a time (per thread): 32 KiB, in the L1/L2 cache. */
    private static final int RMSPROP_CHUNK = 2048;
    private static final ThreadLocal<float[][]> RMSPROP_SCRATCH =
            ThreadLocal.withInitial(() -> new float[4][RMSPROP_CHUNK]);

    /**
     * RMSprop in FP32, as PyTorch computes it (the reference computes in double): in double the square root and
     * the division cost about 6 times as much per element as vectorised FP32, and at small batches RMSprop over
     * every weight was most of an iteration. Chunks are copied to heap arrays, where the JIT vectorises the loop.
     * Within {@link dev.gcl.verify.ParityTolerances#blasFp32()}'s bound for rmsprop (a few FP32 roundings per step).
     */
    @Override
    public void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats squareAvg, DeviceFloats momentumBuf,
                        int n, double lr, double alpha, double eps, double momentum, DeviceFloats guard,
                        int guardLength) {
        if (guard != null) {
            FloatBuffer values = f(guard);
            for (int k = 0; k < guardLength; k++) if (!Float.isFinite(values.get(k))) return;
        }
        FloatBuffer p = f(param), g = f(grad), v = f(squareAvg), m = f(momentumBuf);
        float lrF = (float) lr, alphaF = (float) alpha, oneMinusAlpha = (float) (1.0 - alpha), epsF = (float) eps,
                momentumF = (float) momentum;
        parallel.forRange(n, 8, (from, to) -> {
            float[][] s = RMSPROP_SCRATCH.get();
            for (int c = from; c < to; c += RMSPROP_CHUNK) {
                int len = Math.min(RMSPROP_CHUNK, to - c);
                p.get(c, s[0], 0, len);
                g.get(c, s[1], 0, len);
                v.get(c, s[2], 0, len);
                m.get(c, s[3], 0, len);
                rmspropFp32(s[0], s[1], s[2], s[3], len, lrF, alphaF, oneMinusAlpha, epsF, momentumF);
                p.put(c, s[0], 0, len);
                v.put(c, s[2], 0, len);
                m.put(c, s[3], 0, len);
            }
        });
    }

    /** v = alpha·v + (1 − alpha)·g²; buf = momentum·buf + g / (sqrt(v) + eps); p −= lr·buf, every step in FP32. */
    static void rmspropFp32(float[] p, float[] g, float[] v, float[] buf, int n, float lr, float alpha,
                            float oneMinusAlpha, float eps, float momentum) {
        for (int j = 0; j < n; j++) {
            float gj = g[j];
            float vj = alpha * v[j] + oneMinusAlpha * gj * gj;
            float bj = momentum * buf[j] + gj / ((float) Math.sqrt(vj) + eps);
            v[j] = vj;
            buf[j] = bj;
            p[j] = p[j] - lr * bj;
        }
    }

    // ---------------------------------------------------------------- data movement

    /** Straight into dst's native memory (direct to direct for mapped rows), rows split across threads. */
    @Override
    public void gatherHostRows(FeatureRows source, int[] indices, int indexOffset, DeviceFloats dst, int rows) {
        Floats d = buf(dst);
        if (d.host != null) throw new IllegalArgumentException("shared buffers are read-only");
        int cols = source.dim();
        VectorMath.checkGather(d.length, rows, cols);
        FloatBuffer out = d.view;
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) source.copyRow(indices[indexOffset + r], out, r * cols);
        });
    }

    // ---------------------------------------------------------------- random numbers

    private float[] hostScratch(int n) {
        if (hostScratch.length < n) hostScratch = new float[n];
        return hostScratch;
    }

    @Override
    public void philoxUniform(RandomStream stream, long start, DeviceFloats out, int n) {
        FloatBuffer o = f(out);
        float[] h = hostScratch(n);
        stream.fillUniform(h, 0, n, start);
        o.put(0, h, 0, n);
    }

    @Override
    public void philoxNormal(RandomStream stream, long start, float mean, float std, DeviceFloats out, int n) {
        FloatBuffer o = f(out);
        float[] h = hostScratch(n);
        stream.fillNormal(h, 0, n, mean, std, start);
        o.put(0, h, 0, n);
    }
}
