package dev.gcl.backend.blas;

import dev.gcl.backend.Probe;

import java.util.Locale;

/**
 * Whether OpenBLAS loads on this machine, and why not (available() is true when a {@link BlasBackend} can be
 * created). Probed once per process and cached: a native library that failed to load cannot be loaded again, and a
 * failed probe must never throw. The checks: the JavaCPP natives for this platform are on the classpath and load,
 * and a 2×3·3×2 sgemm gives the exact product.
 *
 * <pre>{@code
 * BlasProbe probe = BlasProbe.get();
 * Assumptions.assumeTrue(probe.available(), probe.reason());
 * }</pre>
 */
public final class BlasProbe extends Probe {
    private static BlasProbe cached;

    private BlasProbe(boolean available, String reason) {
        super("blas", available, reason);
    }

    /** The verdict for this process (probed on first call). Never throws. */
    public static synchronized BlasProbe get() {
        if (cached == null) cached = probe();
        return cached;
    }

    private static BlasProbe probe() {
        String platform = System.getProperty("os.name", "?").toLowerCase(Locale.ROOT) + "-"
                + System.getProperty("os.arch", "?");
        try {
            Blas.load();
        } catch (Throwable e) {
            return new BlasProbe(false, "OpenBLAS does not load on " + platform + " (natives are bundled for"
                    + " linux-x86_64 only): " + oneLine(e));
        }
        try {
            float[] c = Blas.selfTest();
            // (1 2 3; 4 5 6) · (1 2 3; 4 5 6)ᵀ = (14 32; 32 77)
            if (c[0] != 14f || c[1] != 32f || c[2] != 32f || c[3] != 77f) {
                return new BlasProbe(false, "OpenBLAS loaded but its sgemm is wrong: got "
                        + java.util.Arrays.toString(c) + ", expected [14, 32, 32, 77]");
            }
        } catch (Throwable e) {
            return new BlasProbe(false, "OpenBLAS loaded but sgemm failed: " + oneLine(e));
        }
        return new BlasProbe(true, "OpenBLAS " + Blas.VERSION + " (" + platform + ", FP32 GEMMs)");
    }

    /** The first line of a Throwable and of its root cause: native loaders write whole stack traces. */
    static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String first = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        if (root == e) return first;
        return first + " (cause: " + root.getClass().getSimpleName() + ": "
                + String.valueOf(root.getMessage()).lines().findFirst().orElse("") + ")";
    }
}
