package dev.gcl.cli;

import java.util.Map;

/**
 * Settings of the built-in demo. The paper's defaults (B = 8192, lr = 2e-5, G 1024-512-256, 15 + 15 + 15 epochs)
 * assume ~800K segments of D = 2048; on a few thousand segments they make one step per epoch, so the demo uses
 * smaller batches and networks and a larger learning rate, and says so when it runs.
 */
final class DemoSettings {
    private DemoSettings() {}

    /** The generated dataset (≈8K segments, D = 64, L2-normalised): consecutive distances ≈ 0.1-0.3, so quantile cleaning. */
    static final Map<String, String> GENERATED = Map.of("batch", "256", "lr", "1e-3", "g-hidden", "64,32,16,32,64",
            "d-hidden", "32,8", "cleaning", "quantile", "cleaning-value", "0.8");

    /**
     * The C3D sample (320 segments, D = 4096, L2-normalised): the paper's absolute T_delta = 0.70 applies. Batch 16
     * gives 20 iterations per epoch, the least that does not draw the small-data warning (batch 32: AUC 0.6695).
     */
    static final Map<String, String> C3D_SAMPLE = Map.of("batch", "16", "lr", "1e-3", "g-hidden", "256,64,256",
            "d-hidden", "32,8");
}
