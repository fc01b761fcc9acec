package dev.gcl.backend;

import java.util.Locale;

/**
 * Arithmetic of a backend's dense-layer products (the GEMMs of {@link Backend#denseForward} and
 * {@link Backend#denseBackward}); every other op is unaffected.
 *
 * <ul>
 *   <li>{@link #FP32}: FP32 inputs and products (the CPU reference additionally sums in double). The default.</li>
 *   <li>{@link #TF32}: inputs rounded to TF32 (10 mantissa bits, round to nearest) and multiplied on tensor cores,
 *       sums in FP32: several times faster on Ampere and newer, relative error about 1e-3 per product. CUDA
 *       only: the CPU backend refuses it rather than silently computing something else.</li>
 * </ul>
 */
public enum Precision {
    FP32, TF32;

    /** "fp32" or "tf32", as on the command line and in reports. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "fp32" or "tf32" (any case); IllegalArgumentException otherwise. */
    public static Precision parse(String text) {
        for (Precision p : values()) if (p.cliName().equalsIgnoreCase(text)) return p;
        throw new IllegalArgumentException("--precision must be fp32 or tf32, got '" + text + "'");
    }
}
