package dev.gcl.rng;

/**
 * Philox4x32-10, the counter-based generator of Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"
 * (SC 2011), bit-compatible with Random123's {@code philox4x32_R(10, ...)}. The CUDA kernel
 * {@code kernels/philox.cu} implements the same rounds, so every stream is identical on CPU and GPU.
 *
 * <p>Stateless: the output depends only on the 128-bit counter and the 64-bit key.
 */
public final class Philox4x32 {
    static final int M0 = 0xD2511F53;
    static final int M1 = 0xCD9E8D57;
    static final int W0 = 0x9E3779B9;
    static final int W1 = 0xBB67AE85;
    static final int ROUNDS = 10;

    private Philox4x32() {}

    /** Writes the 4 output words for counter (c0..c3) and key (k0, k1) into {@code out[0..3]}. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32), lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32), lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /**
     * The uniform float in (0, 1) made from one output word: {@code ((x >>> 8) | 1) * 2^-24}. Exact in float,
     * never 0 or 1, and reproducible bit for bit by the GPU.
     */
    public static float toUniform(int word) {
        return ((word >>> 8) | 1) * 0x1p-24f;
    }
}
