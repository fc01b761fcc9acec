package dev.gcl.rng;

/**
 * Sequential draws from one {@link RandomStream}: the n-th call reads element n. For generators that consume
 * random numbers in a fixed order; training code indexes streams directly instead. Not thread-safe.
 */
public final class RandomCursor {
    private final RandomStream stream;
    private long next;

    public RandomCursor(RandomStream stream) {
        this.stream = stream;
    }

    /** Uniform in (0, 1). */
    public double uniform() {
        return stream.uniform(next++);
    }

    /** Standard normal (Box-Muller on the next two uniforms). */
    public double normal() {
        long pair = (next + 1) & ~1L;  // start each normal on an even element so pairs never straddle
        next = pair + 2;
        return stream.normal(pair);
    }

    /** Uniform integer in [lo, hi]. */
    public int intBetween(int lo, int hi) {
        return lo + stream.nextInt(next++, hi - lo + 1);
    }
}
