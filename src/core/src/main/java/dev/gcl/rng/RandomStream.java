package dev.gcl.rng;

/**
 * One random stream, keyed by (seed, purpose, stream id) and indexed by an element counter, so any element can be
 * regenerated anywhere (CPU, GPU, another thread) without replaying the ones before it.
 *
 * <p>Layout (shared with the CUDA kernels): key = (seed low word, seed high word); counter = (block index low
 * word, block index high word, purpose id, stream id). Block b yields elements 4b..4b+3, one per output word.
 *
 * <p>Immutable and thread-safe.
 */
public final class RandomStream {
    private final int k0, k1, purposeId, streamId;

    public RandomStream(long seed, Purpose purpose, int streamId) {
        this(seed, purpose.id(), streamId);
    }

    RandomStream(long seed, int purposeId, int streamId) {
        this.k0 = (int) seed;
        this.k1 = (int) (seed >>> 32);
        this.purposeId = purposeId;
        this.streamId = streamId;
    }

    public int keyLow() { return k0; }
    public int keyHigh() { return k1; }
    public int purposeId() { return purposeId; }
    public int streamId() { return streamId; }

    /** The 4 words of block {@code blockIndex}. */
    public void block(long blockIndex, int[] out) {
        Philox4x32.block((int) blockIndex, (int) (blockIndex >>> 32), purposeId, streamId, k0, k1, out);
    }

    /** Raw 32-bit word number {@code index}. */
    public int word(long index) {
        int[] out = new int[4];
        block(index >>> 2, out);
        return out[(int) (index & 3)];
    }

    /** Uniform float in (0, 1) number {@code index}. */
    public float uniform(long index) {
        return Philox4x32.toUniform(word(index));
    }

    /** out[i] = uniform(start + i), i in [0, n). */
    public void fillUniform(float[] out, int offset, int n, long start) {
        int[] w = new int[4];
        long cachedBlock = -1;
        for (int i = 0; i < n; i++) {
            long e = start + i;
            long b = e >>> 2;
            if (b != cachedBlock) {
                block(b, w);
                cachedBlock = b;
            }
            out[offset + i] = Philox4x32.toUniform(w[(int) (e & 3)]);
        }
    }

    /**
     * Standard normal number {@code index} by Box-Muller: elements 2m and 2m+1 come from uniforms u1 = uniform(2m),
     * u2 = uniform(2m+1) as sqrt(-2 ln u1)·cos(2π u2) and sqrt(-2 ln u1)·sin(2π u2), computed in double and rounded
     * to float. The GPU uses the same pairing; its log/sin/cos differ in the last bits, so compare with a tolerance.
     */
    public float normal(long index) {
        long pair = index & ~1L;
        double u1 = uniform(pair), u2 = uniform(pair + 1);
        return boxMuller(u1, u2, (index & 1) == 1);
    }

    /** out[i] = mean + std * normal(start + i). */
    public void fillNormal(float[] out, int offset, int n, float mean, float std, long start) {
        int[] w = new int[4];
        long cachedBlock = -1;
        for (int i = 0; i < n; i++) {
            long e = start + i;
            long pair = e & ~1L;
            long b = pair >>> 2;
            if (b != cachedBlock) {
                block(b, w);
                cachedBlock = b;
            }
            int j = (int) (pair & 3);
            double z = boxMuller(Philox4x32.toUniform(w[j]), Philox4x32.toUniform(w[j + 1]), (e & 1) == 1);
            out[offset + i] = (float) (mean + std * z);
        }
    }

    private static float boxMuller(double u1, double u2, boolean second) {
        double r = Math.sqrt(-2.0 * StrictMath.log(u1));
        double a = 2.0 * Math.PI * u2;
        return (float) (second ? r * StrictMath.sin(a) : r * StrictMath.cos(a));
    }

    /** Uniform integer in [0, bound) from word {@code index}: floor(word · bound / 2^32). bias below bound/2^32. */
    public int nextInt(long index, int bound) {
        return (int) (((word(index) & 0xFFFFFFFFL) * bound) >>> 32);
    }

    /**
     * A uniformly random permutation of [0, n) by Fisher-Yates, drawing the swap for position i (from n-1 down to 1)
     * from word n-1-i of this stream.
     */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        int[] w = new int[4];
        long cachedBlock = -1;
        for (int i = n - 1; i > 0; i--) {
            long e = n - 1 - i;
            long b = e >>> 2;
            if (b != cachedBlock) {
                block(b, w);
                cachedBlock = b;
            }
            int j = (int) (((w[(int) (e & 3)] & 0xFFFFFFFFL) * (i + 1)) >>> 32);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
