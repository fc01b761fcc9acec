package dev.gcl.eval;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AveragePrecisionTest {
    @Test
    void scikitLearnDocumentationExample() {
        // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.8333...
        assertEquals(5.0 / 6, AveragePrecision.compute(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new int[] {0, 0, 1, 1}),
                1e-12);
    }

    @Test
    void tiedScoresFormOneThreshold() {
        // thresholds 0.9 (P 0, R 0), 0.5 (P 2/4, R 2/3), 0.2 (P 3/5, R 1): AP = 2/3*1/2 + 1/3*3/5 = 0.5333
        float[] s = {0.5f, 0.5f, 0.5f, 0.1f, 0.9f, 0.2f};
        int[] y = {1, 0, 1, 0, 0, 1};
        assertEquals(8.0 / 15, AveragePrecision.compute(s, y), 1e-12);
    }

    @Test
    void perfectAndConstantScores() {
        assertEquals(1.0, AveragePrecision.compute(new float[] {3, 2, 1, 0}, new int[] {1, 1, 0, 0}), 1e-12);
        // one threshold: precision = prevalence
        assertEquals(0.25, AveragePrecision.compute(new float[] {7, 7, 7, 7}, new int[] {0, 1, 0, 0}), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.compute(new float[] {1}, new int[] {0}));
    }
}
