package dev.gcl.train;

import dev.gcl.config.CleaningRule;
import dev.gcl.data.TrainingData;
import dev.gcl.io.FeatureRows;
import dev.gcl.io.InvalidInputException;

import java.util.Arrays;

/**
 * Temporal cleaning of GCL_PT (Zaheer et al., CVPR 2022, section 3.3; docs/algorithm.md "Unsupervised pre-training" step 1):
 * within each video d_t = ||f_t - f_{t-1}||_2 for t >= 1 and d_0 = d_1; a one-segment video keeps its segment.
 * Segment t is kept iff d_t &lt; T_delta, T_delta chosen by a {@link CleaningRule}. Distances in double.
 */
public final class TemporalCleaning {
    /** The outcome: which rows are kept, the threshold used, and the fraction kept. */
    public record Result(int[] keptRows, double threshold, int totalRows) {
        public double fractionKept() {
            return totalRows == 0 ? 0 : (double) keptRows.length / totalRows;
        }
    }

    private TemporalCleaning() {}

    /** d_t for every row, in row order; one-segment videos get NaN (they are kept regardless). */
    public static double[] distances(TrainingData data) {
        if (!data.hasTimeAxis()) {
            throw new InvalidInputException("temporal cleaning needs video data with a time axis; this data is a"
                    + " flat matrix (use gcl-b, gcl-occ, gcl-ws, ae-all or ae-occ)");
        }
        double[] d = new double[data.rows()];
        FeatureRows x = data.featureRows();
        int dim = data.dim();
        float[] prev = new float[dim], cur = new float[dim];
        for (int v = 0; v < data.videos(); v++) {
            int start = data.videoStart(v), end = data.videoEnd(v);
            if (end - start == 1) {
                d[start] = Double.NaN;
                continue;
            }
            x.copyRow(start, cur, 0);
            for (int t = start + 1; t < end; t++) {
                float[] swap = prev;
                prev = cur;
                cur = swap;
                x.copyRow(t, cur, 0);
                double s = 0;
                for (int j = 0; j < dim; j++) {
                    double diff = (double) cur[j] - prev[j];
                    s += diff * diff;
                }
                d[t] = Math.sqrt(s);
            }
            d[start] = d[start + 1];
        }
        return d;
    }

    /** Cleans the data by the rule. */
    public static Result clean(TrainingData data, CleaningRule rule, double value) {
        double[] d = distances(data);
        double threshold = threshold(d, rule, value);
        int[] kept = new int[d.length];
        int n = 0;
        for (int r = 0; r < d.length; r++) {
            if (Double.isNaN(d[r]) || d[r] < threshold) kept[n++] = r;
        }
        return new Result(Arrays.copyOf(kept, n), threshold, d.length);
    }

    /** T_delta for the distances (NaN entries, from one-segment videos, are ignored). */
    static double threshold(double[] d, CleaningRule rule, double value) {
        double[] finite = Arrays.stream(d).filter(x -> !Double.isNaN(x)).toArray();
        if (rule == CleaningRule.ABSOLUTE) return value;
        if (finite.length < 2) return Double.POSITIVE_INFINITY;
        if (rule == CleaningRule.MEAN_STD) {
            double mean = 0;
            for (double x : finite) mean += x;
            mean /= finite.length;
            double ss = 0;
            for (double x : finite) ss += (x - mean) * (x - mean);
            return mean + value * Math.sqrt(ss / (finite.length - 1));
        }
        // QUANTILE: numpy's default "linear" method: position q·(n-1) between order statistics
        Arrays.sort(finite);
        double pos = value * (finite.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, finite.length - 1);
        return finite[lo] + (pos - lo) * (finite[hi] - finite[lo]);
    }
}
