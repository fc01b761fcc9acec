package dev.gcl.backend.reference;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.LiveBuffers;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.RowParallel;
import dev.gcl.io.FeatureRows;
import dev.gcl.rng.RandomStream;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The reference backend: plain Java on the heap, the literal implementation of {@code docs/algorithm.md}. Every dot
 * product and reduction accumulates in double; element-wise results are computed in double and rounded once to
 * float. Work is split across rows (or output columns) only, never inside one sum, so results are bit-identical
 * whatever the number of threads. Transcendental functions come from {@link StrictMath}, whose results are
 * specified bit for bit, so runs reproduce across JVMs and machines. The arithmetic is written once in
 * {@link DenseMath}, {@link RmsPropMath} and {@link VectorMath}; the OpenBLAS backend calls VectorMath too.
 */
public final class ReferenceBackend implements Backend {
    private final RowParallel parallel;
    private final VectorMath vectors;
    private final LiveBuffers live = new LiveBuffers();
    /** dz of denseBackward, reused across calls: (rows, outDim) doubles would otherwise churn the heap. */
    private double[] dzScratch = new double[0];

    /** A backend using every available core. */
    public ReferenceBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend using {@code threads} threads (1 = run on the calling thread only). */
    public ReferenceBackend(int threads) {
        this.parallel = new RowParallel(threads);
        this.vectors = new VectorMath(parallel);
    }

    public int threads() {
        return parallel.threads();
    }

    @Override
    public String name() {
        return "reference";
    }

    // ---------------------------------------------------------------- buffers

    /** A heap array and a FloatBuffer view of it, for the ops shared through {@link VectorMath}. */
    private static final class Floats implements DeviceFloats {
        final float[] a;
        final FloatBuffer view;
        Floats(int n) { this(new float[n]); }
        Floats(float[] shared) {
            a = shared;
            view = FloatBuffer.wrap(shared);
        }
        @Override public int length() { return a.length; }
    }

    private static final class Ints implements DeviceInts {
        final int[] a;
        Ints(int n) { a = new int[n]; }
        @Override public int length() { return a.length; }
    }

    private float[] f(DeviceFloats b) {
        Floats x = live.get(b, Floats.class);
        return x == null ? null : x.a;
    }

    private FloatBuffer fb(DeviceFloats b) {
        Floats x = live.get(b, Floats.class);
        return x == null ? null : x.view;
    }

    private int[] i(DeviceInts b) {
        return live.get(b, Ints.class).a;
    }

    @Override
    public DeviceFloats allocFloats(int length) {
        live.checkNew(length);
        return live.add(new Floats(length));
    }

    /** Wraps host without copying: the training set is not duplicated on the heap. */
    @Override
    public DeviceFloats share(float[] host) {
        live.checkOpen();
        return live.add(new Floats(host));
    }

    @Override
    public DeviceInts allocInts(int length) {
        live.checkNew(length);
        return live.add(new Ints(length));
    }

    @Override
    public void upload(float[] src, int srcOffset, DeviceFloats dst, int dstOffset, int n) {
        System.arraycopy(src, srcOffset, f(dst), dstOffset, n);
    }

    @Override
    public void upload(int[] src, int srcOffset, DeviceInts dst, int dstOffset, int n) {
        System.arraycopy(src, srcOffset, i(dst), dstOffset, n);
    }

    @Override
    public void download(DeviceFloats src, int srcOffset, float[] dst, int dstOffset, int n) {
        System.arraycopy(f(src), srcOffset, dst, dstOffset, n);
    }

    @Override
    public void fill(DeviceFloats buffer, float value) {
        Arrays.fill(f(buffer), value);
    }

    @Override
    public void free(DeviceFloats buffer) {
        f(buffer);
        live.remove(buffer);
    }

    @Override
    public void free(DeviceInts buffer) {
        i(buffer);
        live.remove(buffer);
    }

    @Override
    public void close() {
        if (live.closed()) return;
        live.close();
        dzScratch = new double[0];
        parallel.close();
    }

    /** Number of buffers allocated and not yet freed (for leak tests). */
    public int liveBuffers() {
        return live.size();
    }

    // ---------------------------------------------------------------- dense layers

    @Override
    public void denseForward(DeviceFloats in, DeviceFloats w, DeviceFloats b, DeviceFloats out,
                             int rows, int inDim, int outDim, Activation act) {
        float[] x = f(in), wt = f(w), bias = f(b), y = f(out);
        parallel.forRange(rows, (long) inDim * outDim,
                (from, to) -> DenseMath.forwardRows(x, 0, wt, bias, y, from, to, inDim, outDim, act));
    }

    @Override
    public void denseBackward(DeviceFloats in, DeviceFloats w, DeviceFloats out, DeviceFloats dOut,
                              DeviceFloats dIn, DeviceFloats dW, DeviceFloats dB,
                              int rows, int inDim, int outDim, Activation act) {
        float[] x = f(in), wt = f(w), y = f(out), dy = f(dOut), dx = f(dIn), gw = f(dW), gb = f(dB);
        // dz is (rows, outDim), kept in double: the derivative is applied once, exactly.
        if (dzScratch.length < rows * outDim) dzScratch = new double[rows * outDim];
        double[] dz = dzScratch;
        for (int k = 0; k < rows * outDim; k++) dz[k] = dy[k] * act.derivativeFromOutput(y[k]);

        // dIn[r, :] = Σ_o dz[r, o] · w[o, :], o ascending
        if (dx != null) {
            parallel.forRange(rows, (long) inDim * outDim, (from, to) -> {
                double[] acc = new double[inDim];
                for (int r = from; r < to; r++) {
                    Arrays.fill(acc, 0.0);
                    for (int o = 0; o < outDim; o++) {
                        double z = dz[r * outDim + o];
                        int wOff = o * inDim;
                        for (int k = 0; k < inDim; k++) acc[k] += z * wt[wOff + k];
                    }
                    for (int k = 0; k < inDim; k++) dx[r * inDim + k] = (float) acc[k];
                }
            });
        }
        // dW[o, :] = Σ_r dz[r, o] · in[r, :], r ascending; dB[o] = Σ_r dz[r, o]
        parallel.forRange(outDim, (long) inDim * rows, (from, to) -> {
            double[] acc = new double[inDim];
            for (int o = from; o < to; o++) {
                Arrays.fill(acc, 0.0);
                double bsum = 0;
                for (int r = 0; r < rows; r++) {
                    double z = dz[r * outDim + o];
                    bsum += z;
                    int xOff = r * inDim;
                    for (int k = 0; k < inDim; k++) acc[k] += z * x[xOff + k];
                }
                for (int k = 0; k < inDim; k++) gw[o * inDim + k] = (float) acc[k];
                gb[o] = (float) bsum;
            }
        });
    }

    // ---------------------------------------------------------------- statistics, labels, NL targets, losses
    // (the arithmetic lives in VectorMath, shared with the OpenBLAS backend)

    @Override
    public void rowMse(DeviceFloats a, DeviceFloats b, DeviceFloats err, int rows, int cols) {
        vectors.rowMse(fb(a), fb(b), fb(err), rows, cols);
    }

    @Override
    public void meanStd(DeviceFloats v, int n, DeviceFloats stats) {
        VectorMath.meanStd(fb(v), n, fb(stats));
    }

    @Override
    public void thresholdLabels(DeviceFloats v, int n, DeviceFloats stats, double k, DeviceFloats mask,
                                DeviceFloats labels) {
        VectorMath.thresholdLabels(fb(v), n, fb(stats), k, fb(mask), fb(labels));
    }

    @Override
    public void minMaxScale(DeviceFloats v, int n, DeviceFloats out) {
        VectorMath.minMaxScale(fb(v), n, fb(out));
    }

    @Override
    public void nlTargets(DeviceFloats x, DeviceFloats labels, NlTarget mode, DeviceFloats noise,
                          DeviceFloats picks, DeviceFloats targets, DeviceFloats weights, int rows, int cols) {
        vectors.nlTargets(fb(x), fb(labels), mode, mode == NlTarget.GAUSSIAN ? fb(noise) : null,
                mode == NlTarget.RANDOM_NORMAL ? fb(picks) : null, fb(targets), fb(weights), rows, cols);
    }

    @Override
    public void bceLossGrad(DeviceFloats p, DeviceFloats y, DeviceFloats dP, DeviceFloats loss, int n) {
        VectorMath.bceLossGrad(fb(p), fb(y), fb(dP), fb(loss), n);
    }

    @Override
    public void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights, DeviceFloats dOut,
                                DeviceFloats loss, int rows, int cols) {
        vectors.weightedMseGrad(fb(out), fb(target), fb(weights), fb(dOut), fb(loss), rows, cols);
    }

    // ---------------------------------------------------------------- optimiser

    @Override
    public void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats squareAvg, DeviceFloats momentumBuf,
                        int n, double lr, double alpha, double eps, double momentum) {
        float[] p = f(param), g = f(grad), v = f(squareAvg), m = f(momentumBuf);
        parallel.forRange(n, 8, (from, to) -> {
            double[] s = new double[3];
            for (int j = from; j < to; j++) {
                s[0] = p[j];
                s[1] = v[j];
                s[2] = m[j];
                RmsPropMath.step(s, g[j], lr, alpha, eps, momentum);
                p[j] = (float) s[0];
                v[j] = (float) s[1];
                m[j] = (float) s[2];
            }
        });
    }

    // ---------------------------------------------------------------- data movement

    @Override
    public void gatherRows(DeviceFloats src, DeviceInts indices, int indexOffset, DeviceFloats dst,
                           int rows, int cols) {
        vectors.gatherRows(fb(src), i(indices), indexOffset, fb(dst), rows, cols);
    }

    /** Straight into dst's heap array, row by row (a copy: the same floats as gatherRows over a shared array). */
    @Override
    public void gatherHostRows(FeatureRows source, int[] indices, int indexOffset, DeviceFloats dst, int rows) {
        float[] d = f(dst);
        int cols = source.dim();
        VectorMath.checkGather(d.length, rows, cols);
        for (int r = 0; r < rows; r++) source.copyRow(indices[indexOffset + r], d, r * cols);
    }

    // ---------------------------------------------------------------- random numbers

    @Override
    public void philoxUniform(RandomStream stream, long start, DeviceFloats out, int n) {
        stream.fillUniform(f(out), 0, n, start);
    }

    @Override
    public void philoxNormal(RandomStream stream, long start, float mean, float std, DeviceFloats out, int n) {
        stream.fillNormal(f(out), 0, n, mean, std, start);
    }
}
