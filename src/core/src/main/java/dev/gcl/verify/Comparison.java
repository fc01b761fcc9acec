package dev.gcl.verify;

import java.util.Locale;

/**
 * One output of one op on a backend against the reference: the largest absolute and relative differences, how many
 * elements lie outside the tolerance and the worst of them (by how far it exceeds its allowance).
 *
 * @param op        the op and output, e.g. "dense_backward dW"
 * @param shape     the op's sizes, e.g. "301x173->67 RELU"
 * @param maxRel    max |got - ref| / |ref| over elements with ref != 0
 * @param worst     index of the element that exceeds its allowance most (or of the largest difference when all
 *                  pass), -1 when empty
 */
public record Comparison(String op, String shape, int elements, double maxAbs, double maxRel,
                         ParityTolerances.Tolerance tolerance, int failures, int worst, double worstGot,
                         double worstRef) {

    public boolean passed() {
        return failures == 0;
    }

    /**
     * Compares got with ref element by element; productMagnitude (Σ|a·b| per element) may be null when the
     * tolerance has no product term. NaN equals NaN; NaN against a number fails.
     */
    public static Comparison of(String op, String shape, float[] got, float[] ref, double[] productMagnitude,
                                ParityTolerances.Tolerance tolerance) {
        if (got.length != ref.length) {
            throw new IllegalArgumentException(op + ": " + got.length + " values against " + ref.length);
        }
        double maxAbs = 0, maxRel = 0, worstExcess = -1, worstDiff = -1;
        int failures = 0, worst = -1, worstPassing = -1;
        for (int i = 0; i < got.length; i++) {
            double g = got[i], e = ref[i];
            if (Double.isNaN(g) && Double.isNaN(e)) continue;
            double diff = Math.abs(g - e);
            if (Double.isNaN(diff)) diff = Double.POSITIVE_INFINITY;  // NaN against a number, or inf - inf
            if (g == e) diff = 0;                                     // equal infinities
            maxAbs = Math.max(maxAbs, diff);
            if (e != 0) maxRel = Math.max(maxRel, diff / Math.abs(e));
            double allowed = tolerance.allowed(e, productMagnitude == null ? 0 : productMagnitude[i]);
            if (!(diff <= allowed)) {
                failures++;
                double excess = allowed > 0 ? diff / allowed : Double.POSITIVE_INFINITY;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
            } else if (diff > worstDiff) {
                worstDiff = diff;
                worstPassing = i;
            }
        }
        int w = worst >= 0 ? worst : worstPassing;
        return new Comparison(op, shape, got.length, maxAbs, maxRel, tolerance, failures, w,
                w >= 0 ? got[w] : Double.NaN, w >= 0 ? ref[w] : Double.NaN);
    }

    /** One line for failure messages: what, how many, the worst element. */
    public String describe() {
        return String.format(Locale.ROOT, "%s [%s]: %d of %d elements outside %s; max abs %.3e, max rel %.3e%s",
                op, shape, failures, elements, tolerance.describe(), maxAbs, maxRel,
                worst < 0 ? "" : String.format(Locale.ROOT, "; %s [%d] got %s ref %s",
                        failures > 0 ? "worst" : "largest", worst, worstGot, worstRef));
    }
}
