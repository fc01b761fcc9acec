package dev.gcl.eval;

import dev.gcl.io.InvalidInputException;

import java.util.Arrays;

/**
 * Exact area under the ROC curve as the Mann-Whitney statistic: the probability that a random positive scores
 * higher than a random negative, ties counting half. Equals scikit-learn's {@code roc_auc_score}.
 */
public final class RocAuc {
    private RocAuc() {}

    /**
     * AUC of scores against labels (1 = positive/anomalous, 0 = negative). Throws when either class is empty or a
     * score is NaN.
     */
    public static double compute(float[] scores, int[] labels) {
        int n = scores.length;
        long positives = checkedPositives(scores, labels);
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new InvalidInputException("AUC needs both classes: " + positives + " positive, " + negatives
                    + " negative");
        }
        // sort (score, label) pairs by score; encode as long keys to sort primitives quickly
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) keys[i] = (sortableBits(scores[i]) << 1) | labels[i];
        Arrays.sort(keys);
        // sum of positive ranks, tied groups sharing their mean rank (1-based)
        double positiveRankSum = 0;
        int i = 0;
        while (i < n) {
            long scoreKey = keys[i] >> 1;
            int j = i;
            long groupPositives = 0;
            while (j < n && (keys[j] >> 1) == scoreKey) {
                groupPositives += keys[j] & 1;
                j++;
            }
            double meanRank = (i + 1 + j) / 2.0;
            positiveRankSum += groupPositives * meanRank;
            i = j;
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }

    /** Checks equal lengths, no NaN score and labels in {0, 1}; returns the number of positives. */
    static long checkedPositives(float[] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("scores (" + scores.length + ") and labels (" + labels.length
                    + ") differ in length");
        }
        long positives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (Float.isNaN(scores[i])) throw new IllegalArgumentException("score " + i + " is NaN");
            if (labels[i] != 0 && labels[i] != 1) throw new IllegalArgumentException("label " + i + " is " + labels[i]);
            positives += labels[i];
        }
        return positives;
    }

    /** Maps a float to a long whose signed order is the float's order (-0.0 and 0.0 equal). */
    static long sortableBits(float f) {
        if (f == 0f) f = 0f;
        int bits = Float.floatToIntBits(f);
        return bits < 0 ? ~(long) (bits & 0x7FFFFFFF) : bits;
    }
}
