package dev.gcl.train;

import dev.gcl.config.GclConfig;

import java.util.Locale;
import java.util.Optional;

/**
 * Says when a training set is too small for its batch size to learn anything. The paper's defaults (B = 8192,
 * lr = 2e-5) assume UCF-Crime's ~800K segments, about 100 updates per epoch; on a few thousand segments they make
 * one update per epoch and the networks stay where they were initialised (measured: AUC ≈ 0.5, docs/algorithm.md).
 * Below {@link #MIN_ITERATIONS_PER_EPOCH} the trainer reports a warning with the arithmetic and settings this
 * project has measured to learn at small scale.
 */
public final class SmallDataCheck {
    /** Fewer updates per epoch than this draw the warning. */
    public static final int MIN_ITERATIONS_PER_EPOCH = 20;

    private SmallDataCheck() {}

    /** Iterations of one epoch over rows segments: full batches plus a last one of at least 2 rows (as trained). */
    public static int iterationsPerEpoch(int rows, int batchSize) {
        int batch = Math.min(batchSize, rows);
        return rows / batch + (rows % batch >= 2 ? 1 : 0);
    }

    /**
     * The suggested settings aim at this many updates per epoch: batch 16 on 1,016 segments (better than 32 there)
     * and batch 256 on 8,220 (the built-in demo's), both measured.
     */
    public static final int SUGGESTED_ITERATIONS_PER_EPOCH = 32;

    /**
     * The largest power-of-two batch (at least 2) that gives {@link #SUGGESTED_ITERATIONS_PER_EPOCH} iterations over
     * rows segments, or 0 when even a batch of 2 gives fewer than {@link #MIN_ITERATIONS_PER_EPOCH}.
     */
    public static int suggestedBatch(int rows) {
        if (rows / 2 < MIN_ITERATIONS_PER_EPOCH) return 0;
        return Math.max(2, Integer.highestOneBit(Math.max(1, rows / SUGGESTED_ITERATIONS_PER_EPOCH)));
    }

    /**
     * Settings that learn on small data (measured on the generated datasets: docs/algorithm.md), as option names and
     * values: the largest power-of-two batch giving {@link #SUGGESTED_ITERATIONS_PER_EPOCH} iterations (at most
     * 8192), lr 3e-3 for batches up to 64 and 1e-3 above (measured best at batch 16 and 256 respectively),
     * networks narrowed to D (G h, h/2, h/4, h/2, h and D h/2, 8 with h = D rounded down to a power of two
     * in [16, 1024]) and quantile cleaning at 0.8 (independent of the features' scale). Empty when even a batch of 2
     * gives too few iterations.
     */
    public static java.util.Map<String, String> smallScaleSettings(int rows, int dim) {
        int batch = Math.min(8192, suggestedBatch(rows));
        if (batch == 0) return java.util.Map.of();
        int h = Math.max(16, Math.min(1024, Integer.highestOneBit(dim)));
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("batch", Integer.toString(batch));
        m.put("lr", batch <= 64 ? "3e-3" : "1e-3");
        m.put("g-hidden", h + "," + h / 2 + "," + h / 4 + "," + h / 2 + "," + h);
        m.put("d-hidden", h / 2 + ",8");
        m.put("cleaning", "quantile");
        m.put("cleaning-value", "0.8");
        return m;
    }

    /** Settings as command-line options: {@code --batch 16 --lr 3e-3 ...}. */
    public static String commandLine(java.util.Map<String, String> settings) {
        StringBuilder b = new StringBuilder();
        settings.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append("--").append(k).append(' ').append(v));
        return b.toString();
    }

    /** The warning for this configuration on rows training segments, if it makes too few updates per epoch. */
    public static Optional<String> warning(GclConfig config, int rows, int dim) {
        int iterations = iterationsPerEpoch(rows, config.batchSize());
        if (iterations >= MIN_ITERATIONS_PER_EPOCH) return Optional.empty();
        int suggested = suggestedBatch(rows);
        String advice = suggested == 0
                ? "too few segments for " + MIN_ITERATIONS_PER_EPOCH + " updates per epoch at any batch size;"
                        + " expect results near chance"
                : "settings measured to learn at small scale: " + commandLine(smallScaleSettings(rows, dim));
        return Optional.of(String.format(Locale.ROOT, "warning: small data: %d training segments at batch %d give %d"
                + " iteration%s per epoch (%d updates in %d epochs), too few to learn (fewer than %d per epoch);"
                + " %s", rows, config.batchSize(), iterations, iterations == 1 ? "" : "s",
                (long) iterations * config.epochs(), config.epochs(), MIN_ITERATIONS_PER_EPOCH, advice));
    }
}
