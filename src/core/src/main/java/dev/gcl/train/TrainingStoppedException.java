package dev.gcl.train;

/** Training stopped on request at an iteration boundary, after its state was handed to the checkpoint policy. */
public final class TrainingStoppedException extends RuntimeException {
    private final TrainerState.Position position;

    public TrainingStoppedException(TrainerState.Position position) {
        super("training stopped on request before iteration " + position.globalIteration());
        this.position = position;
    }

    public TrainerState.Position position() {
        return position;
    }
}
