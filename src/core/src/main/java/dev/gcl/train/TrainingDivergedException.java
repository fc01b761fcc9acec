package dev.gcl.train;

/**
 * A loss or a weight became NaN or infinite. The message is one line naming the iteration, the network and the
 * first layer with a non-finite value.
 */
public final class TrainingDivergedException extends RuntimeException {
    public TrainingDivergedException(String message) {
        super(message);
    }
}
