package dev.gcl.testing;

import dev.gcl.verify.OpParity;

/** Seeded random test inputs (Philox, so they are the same on every machine); the parity checks' own generators. */
public final class TestArrays {
    private TestArrays() {}

    /** n floats uniform in [lo, hi) from stream (seed, TEST, stream). */
    public static float[] uniform(int n, double lo, double hi, long seed, int stream) {
        return OpParity.uniform(n, lo, hi, seed, stream);
    }

    /** n floats N(0, std²) from stream (seed, TEST, stream). */
    public static float[] normal(int n, double std, long seed, int stream) {
        return OpParity.normal(n, std, seed, stream);
    }
}
