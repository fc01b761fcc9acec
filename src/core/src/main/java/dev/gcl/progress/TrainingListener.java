package dev.gcl.progress;

/**
 * Receives progress while {@link dev.gcl.Gcl#fit} runs, on the training thread, in this order: for each phase
 * {@link #onPhaseStart}, then per epoch its iterations' {@link #onIteration} and one {@link #onEpochEnd};
 * {@link #onMessage} at any time for notes worth showing a person (the variant chosen, the fraction kept by
 * temporal cleaning, warnings). Methods must return quickly; an exception aborts training.
 */
public interface TrainingListener {
    default void onPhaseStart(Phase phase, int epochs, int iterationsPerEpoch) {}

    default void onIteration(IterationStats stats) {}

    default void onEpochEnd(EpochStats stats) {}

    default void onMessage(String message) {}

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};
}
