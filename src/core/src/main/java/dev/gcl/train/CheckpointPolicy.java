package dev.gcl.train;

/**
 * When the trainer writes checkpoints and whether it should stop. Called on the training thread at every iteration
 * boundary: after an iteration that did not end its epoch, and after each epoch (its statistics recorded).
 */
public interface CheckpointPolicy {
    /** True to write a checkpoint now; next is where training would continue. */
    boolean due(TrainerState.Position next, boolean epochEnd);

    /** Writes the state (atomically, if it goes to disk). */
    void write(TrainerState state);

    /** True when training should stop at this boundary (after a checkpoint); checked at every boundary. */
    default boolean stopRequested() {
        return false;
    }

    /** No checkpoints, never stops. */
    CheckpointPolicy NONE = new CheckpointPolicy() {
        @Override
        public boolean due(TrainerState.Position next, boolean epochEnd) {
            return false;
        }

        @Override
        public void write(TrainerState state) {}
    };
}
