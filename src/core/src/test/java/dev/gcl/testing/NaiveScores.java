package dev.gcl.testing;

import dev.gcl.io.FeatureMatrix;

/** A score without training, for tests that pin evaluation numbers on real features. */
public final class NaiveScores {
    private NaiveScores() {}

    /** L2 distance between consecutive segments, segment 1 taking segment 2's value. */
    public static float[] consecutiveDistance(FeatureMatrix m) {
        float[] s = new float[m.rows()];
        for (int t = 1; t < m.rows(); t++) {
            double d = 0;
            for (int j = 0; j < m.dim(); j++) {
                double diff = m.data()[t * m.dim() + j] - m.data()[(t - 1) * m.dim() + j];
                d += diff * diff;
            }
            s[t] = (float) Math.sqrt(d);
        }
        s[0] = s[1];
        return s;
    }
}
