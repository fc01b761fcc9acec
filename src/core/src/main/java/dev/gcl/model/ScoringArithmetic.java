package dev.gcl.model;

import dev.gcl.io.InvalidInputException;

import java.util.Locale;

/** The arithmetic {@link GclModel#score} uses. */
public enum ScoringArithmetic {
    /**
     * FP32 products through OpenBLAS (sgemm for batches, sgemv for one row): within the FP32-accumulation bound of
     * the reference (about 1e-6 relative). The default where OpenBLAS loads.
     */
    FAST,
    /** The reference arithmetic (double sums in a fixed order, {@code dev.gcl.backend.reference.DenseMath}): exact, slow. */
    REFERENCE;

    /** "fast" or "reference", as on the command line. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "fast" or "reference" (any case); an InvalidInputException naming --scorer otherwise. */
    public static ScoringArithmetic parse(String text) {
        for (ScoringArithmetic s : values()) if (s.cliName().equalsIgnoreCase(text)) return s;
        throw new InvalidInputException("--scorer must be fast or reference, got '" + text + "'");
    }
}
