package dev.gcl.train;

/** What training does when a loss comes out NaN or infinite. */
public enum NanPolicy {
    /** Stop at once with {@link TrainingDivergedException} (default). */
    STOP,
    /** Apply no update from this batch (the non-finite network's step and the rest of the batch are skipped). */
    SKIP_BATCH
}
