package dev.gcl.eval;

import dev.gcl.io.InvalidInputException;

import java.util.Arrays;

/**
 * Average precision as scikit-learn's {@code average_precision_score} defines it: AP = Σ_n (R_n − R_{n−1}) · P_n
 * over the distinct score thresholds in decreasing order (tied scores form one threshold; no interpolation).
 * Sorts primitive long keys, so a million scores take a few tens of milliseconds.
 */
public final class AveragePrecision {
    private AveragePrecision() {}

    /** AP of scores against labels (1 = positive/anomalous, 0 = negative); needs at least one positive. */
    public static double compute(float[] scores, int[] labels) {
        int n = scores.length;
        long positives = RocAuc.checkedPositives(scores, labels);
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = (RocAuc.sortableBits(scores[i]) << 1) | labels[i];
        if (positives == 0) throw new InvalidInputException("average precision needs a positive label");
        Arrays.sort(keys);
        double ap = 0;
        long truePositives = 0, seen = 0;
        int i = n - 1;
        while (i >= 0) {                                   // highest scores first
            long scoreKey = keys[i] >> 1;
            long groupPositives = 0;
            int j = i;
            while (j >= 0 && (keys[j] >> 1) == scoreKey) {
                groupPositives += keys[j] & 1;
                j--;
            }
            seen += i - j;
            truePositives += groupPositives;
            if (groupPositives > 0) ap += (double) groupPositives / positives * ((double) truePositives / seen);
            i = j;
        }
        return ap;
    }
}
