package dev.gcl.testing;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Result checking in the manner of llm.c's validate_result: every element must satisfy
 * |got - expected| <= atol + rtol·|expected|; on failure the message lists the worst elements.
 */
public final class Validate {
    private Validate() {}

    public static void close(String what, float[] got, double[] expected, double atol, double rtol) {
        close(what, got, expected, expected.length, atol, rtol);
    }

    public static void close(String what, float[] got, double[] expected, int n, double atol, double rtol) {
        List<int[]> bad = new ArrayList<>();
        int worst = -1;
        double worstExcess = 0;
        int failures = 0;
        for (int i = 0; i < n; i++) {
            double g = got[i], e = expected[i];
            double allowed = atol + rtol * Math.abs(e);
            double err = Math.abs(g - e);
            boolean ok = err <= allowed || (Double.isNaN(e) && Double.isNaN(g));
            if (!ok || Double.isNaN(g) != Double.isNaN(e)) {
                failures++;
                double excess = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err / allowed;
                if (worst < 0 || excess > worstExcess) {
                    worst = i;
                    worstExcess = excess;
                }
                if (bad.size() < 5) bad.add(new int[] {i});
            }
        }
        if (failures > 0) {
            StringBuilder sb = new StringBuilder(what + ": " + failures + " of " + n + " elements outside atol "
                    + atol + " + rtol " + rtol + "; worst [" + worst + "] got " + got[worst] + " expected "
                    + expected[worst] + "; first:");
            for (int[] b : bad) sb.append(" [").append(b[0]).append("] ").append(got[b[0]]).append(" vs ")
                    .append(expected[b[0]]);
            fail(sb.toString());
        }
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
