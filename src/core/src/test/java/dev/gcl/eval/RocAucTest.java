package dev.gcl.eval;

import dev.gcl.testing.TestArrays;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class RocAucTest {

    /** The definition: P(score of a positive > score of a negative) + ½ P(equal), over all pairs. */
    private static double pairwise(float[] s, int[] y) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < s.length; i++) {
            if (y[i] != 1) continue;
            for (int j = 0; j < s.length; j++) {
                if (y[j] != 0) continue;
                pairs++;
                wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
            }
        }
        return wins / pairs;
    }

    @Test
    void smallExamplesComputedByHand() {
        assertEquals(1.0, RocAuc.compute(new float[] {0.1f, 0.2f, 0.8f, 0.9f}, new int[] {0, 0, 1, 1}));
        assertEquals(0.0, RocAuc.compute(new float[] {0.9f, 0.8f, 0.2f, 0.1f}, new int[] {0, 0, 1, 1}));
        assertEquals(0.5, RocAuc.compute(new float[] {1, 1, 1, 1}, new int[] {0, 1, 0, 1}));
        // scikit-learn: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        assertEquals(0.75, RocAuc.compute(new float[] {0.1f, 0.4f, 0.35f, 0.8f}, new int[] {0, 0, 1, 1}), 1e-15);
    }

    @Test
    void agreesWithThePairwiseDefinitionWithManyTies() {
        int n = 701;
        float[] s = TestArrays.uniform(n, 0, 1, 1, 0);
        for (int i = 0; i < n; i++) s[i] = Math.round(s[i] * 20) / 20f;  // heavy ties
        s[3] = -0f;
        s[4] = 0f;
        s[5] = -2.5f;
        float[] u = TestArrays.uniform(n, 0, 1, 1, 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = u[i] < 0.2 + 0.3 * s[i] ? 1 : 0;
        assertEquals(pairwise(s, y), RocAuc.compute(s, y), 1e-12);
    }

    @Test
    void refusesOneClassNaNAndLengthMismatch() {
        assertThrows(IllegalArgumentException.class, () -> RocAuc.compute(new float[] {1, 2}, new int[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> RocAuc.compute(new float[] {1, Float.NaN}, new int[] {0, 1}));
        assertThrows(IllegalArgumentException.class, () -> RocAuc.compute(new float[] {1}, new int[] {0, 1}));
    }
}
