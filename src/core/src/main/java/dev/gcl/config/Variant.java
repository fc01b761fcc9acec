package dev.gcl.config;

import dev.gcl.io.InvalidInputException;

/**
 * The variants of GCL studied in the paper (tables 1-2, figures 5, 9, 10), as fixed by docs/algorithm.md.
 */
public enum Variant {
    /** No pre-training: the cooperative loop from random initialisation (the baseline GCL_B). */
    GCL_B("gcl-b", Pretraining.NONE, true, false),
    /** Unsupervised pre-training (temporal cleaning, G then D) before the cooperative loop (GCL_PT). */
    GCL_PT("gcl-pt", Pretraining.TEMPORALLY_CLEANED, true, false),
    /** G pre-trained on segments of normal training videos only, then D, then the loop (GCL_OCC). */
    GCL_OCC("gcl-occ", Pretraining.NORMAL_VIDEOS, true, true),
    /**
     * Weak supervision: segments of videos labelled normal get lG = lD = 0 (GCL_WS). Choice: no pre-training, as
     * the labels replace what pre-training estimates.
     */
    GCL_WS("gcl-ws", Pretraining.NONE, true, true),
    /** D trained on min-max-scaled reconstruction errors instead of binary lG; no pre-training. */
    SOFT_LABELS("soft-labels", Pretraining.NONE, true, false),
    /** G's negative learning uses its own lG; no D; score = reconstruction error. */
    G_SELF("g-self", Pretraining.NONE, false, false),
    /** Autoencoder alone on all training data; score = reconstruction error. */
    AE_ALL("ae-all", Pretraining.NONE, false, false),
    /** Autoencoder alone on temporally cleaned data; score = reconstruction error. */
    AE_TD("ae-td", Pretraining.NONE, false, false),
    /** Autoencoder alone on segments of normal training videos; score = reconstruction error. */
    AE_OCC("ae-occ", Pretraining.NONE, false, true);

    /** How G (and then D) are pre-trained before the cooperative loop. */
    public enum Pretraining { NONE, TEMPORALLY_CLEANED, NORMAL_VIDEOS }

    private final String cliName;
    private final Pretraining pretraining;
    private final boolean usesDiscriminator;
    private final boolean needsVideoLabels;

    Variant(String cliName, Pretraining pretraining, boolean usesDiscriminator, boolean needsVideoLabels) {
        this.cliName = cliName;
        this.pretraining = pretraining;
        this.usesDiscriminator = usesDiscriminator;
        this.needsVideoLabels = needsVideoLabels;
    }

    public String cliName() { return cliName; }
    public Pretraining pretraining() { return pretraining; }
    public boolean usesDiscriminator() { return usesDiscriminator; }
    public boolean needsVideoLabels() { return needsVideoLabels; }

    /** True for the autoencoder-only variants (no cooperative loop). */
    public boolean isAutoencoderOnly() {
        return this == AE_ALL || this == AE_TD || this == AE_OCC;
    }

    /** True when the variant needs the time axis of video data (temporal cleaning). */
    public boolean needsTimeAxis() {
        return pretraining == Pretraining.TEMPORALLY_CLEANED || this == AE_TD;
    }

    /** Parses a name as written in configs and on the command line ({@code gcl-pt}, {@code ae-all}, ...). */
    public static Variant parse(String name) {
        for (Variant v : values()) if (v.cliName.equals(name)) return v;
        StringBuilder known = new StringBuilder();
        for (Variant v : values()) known.append(known.length() == 0 ? "" : ", ").append(v.cliName);
        throw new InvalidInputException("variant: unknown variant '" + name + "' (known: " + known + ")");
    }
}
