package dev.gcl.backend.reference;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
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
 * {@link DenseMath}, {@link RmsPropMath} and {@link VectorMath} (through {@link HostBackend}, which the OpenBLAS
 * backend extends too).
 */
public final class ReferenceBackend extends HostBackend {
    /** dz of denseBackward, reused across calls: (rows, outDim) doubles would otherwise churn the heap. */
    private double[] dzScratch = new double[0];

    /** A backend using every available core. */
    public ReferenceBackend() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A backend using {@code threads} threads (1 = run on the calling thread only). */
    public ReferenceBackend(int threads) {
        super(new RowParallel(threads));
    }

    @Override
    public String name() {
        return "reference";
    }

    // ---------------------------------------------------------------- buffers

    /** A heap array and a FloatBuffer view of it, for the ops of {@link HostBackend}. */
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

    private float[] f(DeviceFloats b) {
        Floats x = live.get(b, Floats.class);
        return x == null ? null : x.a;
    }

    @Override
    protected FloatBuffer floats(DeviceFloats b) {
        Floats x = live.get(b, Floats.class);
        return x == null ? null : x.view;
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
        System.arraycopy(src, srcOffset, f(dst), dstOffset, n);
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
    public void close() {
        if (live.closed()) return;
        live.close();
        dzScratch = new double[0];
        parallel.close();
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
