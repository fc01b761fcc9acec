package dev.gcl.io;

/** What to do with a crop axis ({@code [T, crops, D]} features, e.g. I3D's 10 crops). */
public enum CropMode {
    /** One row per segment: the mean over crops (the usual choice, and the default). */
    AVERAGE,
    /** One row per (segment, crop), segment-major: row {@code t * crops + c}. Training only. */
    SEPARATE_ROWS
}
