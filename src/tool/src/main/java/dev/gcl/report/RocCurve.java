package dev.gcl.report;

import java.util.Arrays;

/**
 * The points of a ROC curve: one point per distinct score threshold, from (0, 0) to (1, 1), ties forming one step
 * (as scikit-learn's {@code roc_curve} with drop_intermediate=False).
 */
public record RocCurve(double[] falsePositiveRate, double[] truePositiveRate) {

    public static RocCurve of(float[] scores, int[] labels) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        long positives = 0;
        for (int l : labels) positives += l;
        long negatives = n - positives;
        double[] fpr = new double[n + 1], tpr = new double[n + 1];
        int points = 1;
        long tp = 0, fp = 0;
        for (int i = 0; i < n; i++) {
            if (labels[order[i]] == 1) tp++;
            else fp++;
            boolean lastOfTie = i == n - 1 || scores[order[i + 1]] != scores[order[i]];
            if (lastOfTie) {
                fpr[points] = negatives == 0 ? 0 : (double) fp / negatives;
                tpr[points] = positives == 0 ? 0 : (double) tp / positives;
                points++;
            }
        }
        return new RocCurve(Arrays.copyOf(fpr, points), Arrays.copyOf(tpr, points));
    }

    /** Area under these points by the trapezoid rule (equals the rank AUC). */
    public double area() {
        double a = 0;
        for (int i = 1; i < falsePositiveRate.length; i++) {
            a += (falsePositiveRate[i] - falsePositiveRate[i - 1]) * (truePositiveRate[i] + truePositiveRate[i - 1]) / 2;
        }
        return a;
    }
}
