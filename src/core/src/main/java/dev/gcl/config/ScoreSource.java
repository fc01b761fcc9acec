package dev.gcl.config;

/** What a trained model's anomaly score is (higher = more anomalous). */
public enum ScoreSource {
    /** D's probability for variants with a discriminator, else G's reconstruction error. */
    AUTO,
    /** D's output probability P(anomalous). */
    DISCRIMINATOR,
    /** G's per-segment reconstruction error mean_j (G(x)_j - x_j)². */
    RECONSTRUCTION
}
