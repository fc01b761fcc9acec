package dev.gcl.backend.reference;

import dev.gcl.backend.Activation;

/**
 * The dense-layer arithmetic of the CPU reference, shared by {@link ReferenceBackend} and host-side scoring so the two
 * can never drift apart. Dot products accumulate in double with four partial sums combined as
 * ((s0 + s1) + (s2 + s3)) + tail: a fixed order, so results are bit-reproducible.
 */
public final class DenseMath {
    private DenseMath() {}

    /** Σ_i a[aOff + i]·b[bOff + i], i in [0, n), in double. */
    public static double dot(float[] a, int aOff, float[] b, int bOff, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += (double) a[aOff + i] * b[bOff + i];
            s1 += (double) a[aOff + i + 1] * b[bOff + i + 1];
            s2 += (double) a[aOff + i + 2] * b[bOff + i + 2];
            s3 += (double) a[aOff + i + 3] * b[bOff + i + 3];
        }
        double tail = 0;
        for (; i < n; i++) tail += (double) a[aOff + i] * b[bOff + i];
        return ((s0 + s1) + (s2 + s3)) + tail;
    }

    /**
     * out = act(in · wᵀ + b) for rows [rowFrom, rowTo), reading input row inRowBase + r and writing output row r.
     * in is (anything, inDim), w is (outDim, inDim), b is (outDim), out is (rows, outDim).
     */
    public static void forwardRows(float[] in, int inRowBase, float[] w, float[] b, float[] out, int rowFrom,
                                   int rowTo, int inDim, int outDim, Activation act) {
        for (int r = rowFrom; r < rowTo; r++) {
            int inOff = (inRowBase + r) * inDim;
            int outOff = r * outDim;
            for (int o = 0; o < outDim; o++) {
                double z = dot(in, inOff, w, o * inDim, inDim) + b[o];
                out[outOff + o] = (float) act.apply(z);
            }
        }
    }
}
