package dev.gcl.testing;

import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

/** Seeded random test inputs (Philox, so they are the same on every machine). */
public final class TestArrays {
    private TestArrays() {}

    /** n floats uniform in [lo, hi) from stream (seed, TEST, stream). */
    public static float[] uniform(int n, double lo, double hi, long seed, int stream) {
        float[] u = new float[n];
        new RandomStream(seed, Purpose.TEST, stream).fillUniform(u, 0, n, 0);
        for (int i = 0; i < n; i++) u[i] = (float) (lo + (hi - lo) * u[i]);
        return u;
    }

    /** n floats N(0, std²). */
    public static float[] normal(int n, double std, long seed, int stream) {
        float[] z = new float[n];
        new RandomStream(seed, Purpose.TEST, stream).fillNormal(z, 0, n, 0f, (float) std, 0);
        return z;
    }
}
