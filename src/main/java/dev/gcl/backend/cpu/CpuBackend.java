package dev.gcl.backend.cpu;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.LiveBuffers;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.RowParallel;
import dev.gcl.io.FeatureRows;
import dev.gcl.rng.RandomStream;

import java.util.Arrays;

/**
 * The reference backend: plain Java on the heap, the literal implementation of {@code docs/algorithm.md}. Every dot
 * product and reduction accumulates in double; element-wise results are computed in double and rounded once to
 * float. Work is split across rows (or output columns) only, never inside one sum, so results are bit-identical
 * whatever the number of threads. Transcendental functions come from {@link StrictMath}, whose results are
 * specified bit for bit, so runs reproduce across JVMs and machines.
 */
public final class CpuBackend implements Backend {
    private final RowParallel parallel;
    private final LiveBuffers live = new LiveBuffers();
    /** dz of denseBackward, reused across calls: (rows, outDim) doubles would otherwise churn the heap. */
    private double[] dzScratch = new double[0];

    /** A backend using every available core. */
    public CpuBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend using {@code threads} threads (1 = run on the calling thread only). */
    public CpuBackend(int threads) {
        this.parallel = new RowParallel(threads);
    }

    public int threads() {
        return parallel.threads();
    }

    @Override
    public String name() {
        return "reference";
    }

    // ---------------------------------------------------------------- buffers

    private static final class Floats implements DeviceFloats {
        final float[] a;
        Floats(int n) { a = new float[n]; }
        Floats(float[] shared) { a = shared; }
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
    public void copy(DeviceFloats src, int srcOffset, DeviceFloats dst, int dstOffset, int n) {
        System.arraycopy(f(src), srcOffset, f(dst), dstOffset, n);
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

    // ---------------------------------------------------------------- statistics and labels

    @Override
    public void rowMse(DeviceFloats a, DeviceFloats b, DeviceFloats err, int rows, int cols) {
        float[] x = f(a), y = f(b), e = f(err);
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                double s = 0;
                int off = r * cols;
                for (int j = 0; j < cols; j++) {
                    double d = (double) x[off + j] - y[off + j];
                    s += d * d;
                }
                e[r] = (float) (s / cols);
            }
        });
    }

    @Override
    public void meanStd(DeviceFloats v, int n, DeviceFloats stats) {
        if (n < 2) throw new IllegalArgumentException("mean/std needs n >= 2, got " + n);
        float[] x = f(v), s = f(stats);
        double sum = 0;
        for (int k = 0; k < n; k++) sum += x[k];
        double mean = sum / n;
        double ss = 0;
        for (int k = 0; k < n; k++) {
            double d = x[k] - mean;
            ss += d * d;
        }
        s[0] = (float) mean;
        s[1] = (float) Math.sqrt(ss / (n - 1));
    }

    @Override
    public void thresholdLabels(DeviceFloats v, int n, DeviceFloats stats, double k, DeviceFloats mask,
                                DeviceFloats labels) {
        float[] x = f(v), s = f(stats), m = f(mask), l = f(labels);
        double threshold = (double) s[0] + k * (double) s[1];
        for (int j = 0; j < n; j++) {
            boolean allowed = m == null || m[j] != 0f;
            l[j] = allowed && x[j] > threshold ? 1f : 0f;
        }
    }

    @Override
    public void minMaxScale(DeviceFloats v, int n, DeviceFloats out) {
        float[] x = f(v), y = f(out);
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            min = Math.min(min, x[j]);
            max = Math.max(max, x[j]);
        }
        double range = (double) max - min;
        for (int j = 0; j < n; j++) y[j] = range > 0 ? (float) (((double) x[j] - min) / range) : 0f;
    }

    // ---------------------------------------------------------------- negative learning

    @Override
    public void nlTargets(DeviceFloats x, DeviceFloats labels, NlTarget mode, DeviceFloats noise,
                          DeviceFloats picks, DeviceFloats targets, DeviceFloats weights, int rows, int cols) {
        float[] xs = f(x), l = f(labels), t = f(targets), w = f(weights);
        float[] nz = mode == NlTarget.GAUSSIAN ? f(noise) : null;
        float[] pk = mode == NlTarget.RANDOM_NORMAL ? f(picks) : null;
        int[] normalRows = new int[rows];
        int normals = 0;
        for (int r = 0; r < rows; r++) if (l[r] == 0f) normalRows[normals++] = r;
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            boolean anomalous = l[r] != 0f;
            w[r] = anomalous && mode == NlTarget.NONE ? 0f : 1f;
            if (!anomalous || mode == NlTarget.NONE) {
                System.arraycopy(xs, off, t, off, cols);
                continue;
            }
            switch (mode) {
                case ONES:
                    Arrays.fill(t, off, off + cols, 1f);
                    break;
                case GAUSSIAN:
                    for (int j = 0; j < cols; j++) t[off + j] = xs[off + j] + nz[off + j];
                    break;
                case RANDOM_NORMAL:
                    int src = r;
                    if (normals > 0) {
                        int pick = Math.min(normals - 1, (int) ((double) pk[r] * normals));
                        src = normalRows[pick];
                    }
                    System.arraycopy(xs, src * cols, t, off, cols);
                    break;
                default:
                    throw new IllegalStateException("unhandled mode " + mode);
            }
        }
    }

    // ---------------------------------------------------------------- losses

    @Override
    public void bceLossGrad(DeviceFloats p, DeviceFloats y, DeviceFloats dP, DeviceFloats loss, int n) {
        float[] ps = f(p), ys = f(y), g = f(dP), l = f(loss);
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double pj = ps[j], yj = ys[j];
            double logP = Math.max(StrictMath.log(pj), -100.0);
            double log1mP = Math.max(StrictMath.log(1.0 - pj), -100.0);
            sum += yj * logP + (1.0 - yj) * log1mP;
            g[j] = (float) ((pj - yj) / Math.max(pj * (1.0 - pj), 1e-12) / n);
        }
        l[0] = (float) (-sum / n);
    }

    @Override
    public void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights, DeviceFloats dOut,
                                DeviceFloats loss, int rows, int cols) {
        float[] o = f(out), t = f(target), w = f(weights), g = f(dOut), l = f(loss);
        double wSum = 0;
        for (int r = 0; r < rows; r++) wSum += w == null ? 1.0 : w[r];
        double[] rowLoss = new double[rows];
        double scale = wSum > 0 ? 2.0 / (cols * wSum) : 0.0;
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                double wr = w == null ? 1.0 : w[r];
                double s = 0;
                int off = r * cols;
                for (int j = 0; j < cols; j++) {
                    double d = (double) o[off + j] - t[off + j];
                    s += d * d;
                    g[off + j] = (float) (scale * wr * d);
                }
                rowLoss[r] = wr * (s / cols);
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        l[0] = wSum > 0 ? (float) (total / wSum) : 0f;
    }

    // ---------------------------------------------------------------- optimiser

    @Override
    public void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats squareAvg, DeviceFloats momentumBuf,
                        int n, double lr, double alpha, double eps, double momentum, DeviceFloats guard,
                        int guardLength) {
        if (guard != null) {
            float[] values = f(guard);
            for (int k = 0; k < guardLength; k++) if (!Float.isFinite(values[k])) return;
        }
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
        float[] s = f(src), d = f(dst);
        int[] idx = i(indices);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(s, idx[indexOffset + r] * cols, d, r * cols, cols);
        }
    }

    /** Straight into dst's heap array, row by row (a copy: the same floats as gatherRows over a shared array). */
    @Override
    public void gatherHostRows(FeatureRows source, int[] indices, int indexOffset, DeviceFloats dst, int rows) {
        float[] d = f(dst);
        int cols = source.dim();
        checkGather(d.length, rows, cols);
        for (int r = 0; r < rows; r++) source.copyRow(indices[indexOffset + r], d, r * cols);
    }

    static void checkGather(int dstLength, int rows, int cols) {
        if ((long) rows * cols > dstLength) {
            throw new IllegalArgumentException("gather of " + rows + " rows x " + cols + " exceeds the destination's "
                    + dstLength + " floats");
        }
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
