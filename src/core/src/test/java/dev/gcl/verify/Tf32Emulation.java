package dev.gcl.verify;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;

/**
 * The arithmetic of kernels/dense_tf32.cu on the host: inputs rounded to TF32 (round to nearest, ties away from
 * zero, as cvt.rna.tf32.f32), exact products (11 × 11 significant bits fit a float), sums in float in ascending k,
 * bias and activation in double. dropLastK leaves out the last product of every sum: a kernel that loses a k slice.
 * Used to show that the TF32 tolerances accept TF32 arithmetic and reject a wrong kernel, without a GPU.
 */
public final class Tf32Emulation extends ForwardingBackend {
    private final boolean dropLastK;

    public Tf32Emulation(Backend inner, boolean dropLastK) {
        super(inner);
        this.dropLastK = dropLastK;
    }

    /** x rounded to TF32's 10 mantissa bits, to nearest with ties away from zero. */
    static float tf32(float x) {
        if (!Float.isFinite(x)) return x;
        int bits = Float.floatToRawIntBits(x);
        return Float.intBitsToFloat((bits + 0x1000) & ~0x1fff);  // sign-magnitude: rounds the magnitude
    }

    private float dot(float[] a, int aOff, int aStride, float[] b, int bOff, int bStride, int depth) {
        float acc = 0f;
        int n = dropLastK ? depth - 1 : depth;
        for (int k = 0; k < n; k++) acc += tf32(a[aOff + k * aStride]) * tf32(b[bOff + k * bStride]);
        return acc;
    }

    @Override
    public void denseForward(DeviceFloats in, DeviceFloats w, DeviceFloats b, DeviceFloats out, int rows, int inDim,
                             int outDim, Activation act) {
        float[] x = read(in, rows * inDim), wt = read(w, outDim * inDim), bias = read(b, outDim);
        float[] y = new float[rows * outDim];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outDim; o++) {
                float acc = dot(x, r * inDim, 1, wt, o * inDim, 1, inDim);
                y[r * outDim + o] = (float) act.apply((double) acc + bias[o]);
            }
        }
        upload(y, 0, out, 0, y.length);
    }

    @Override
    public void denseBackward(DeviceFloats in, DeviceFloats w, DeviceFloats out, DeviceFloats dOut, DeviceFloats dIn,
                              DeviceFloats dW, DeviceFloats dB, int rows, int inDim, int outDim, Activation act) {
        super.denseBackward(in, w, out, dOut, dIn, dW, dB, rows, inDim, outDim, act);  // dB as the reference's
        float[] x = read(in, rows * inDim), wt = read(w, outDim * inDim), y = read(out, rows * outDim);
        float[] dy = read(dOut, rows * outDim);
        float[] dz = new float[rows * outDim];
        for (int k = 0; k < dz.length; k++) dz[k] = (float) (dy[k] * act.derivativeFromOutput(y[k]));
        if (dIn != null) {
            float[] g = new float[rows * inDim];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < inDim; i++) g[r * inDim + i] = dot(dz, r * outDim, 1, wt, i, inDim, outDim);
            }
            upload(g, 0, dIn, 0, g.length);
        }
        float[] gw = new float[outDim * inDim];
        for (int o = 0; o < outDim; o++) {
            for (int i = 0; i < inDim; i++) gw[o * inDim + i] = dot(dz, o, outDim, x, i, inDim, rows);
        }
        upload(gw, 0, dW, 0, gw.length);
    }
}
