package dev.gcl.nn;

/**
 * One network's forward pass for scoring, made by a {@link ScorerProvider} from {@link NetworkWeights} and used by
 * {@code GclModel}: one score per row. Thread-safe: any number of threads may call {@link #score} at once.
 */
public interface NetworkScorer {
    /** What {@link #score} writes per row. */
    enum Output {
        /** The network's single output (its last layer has one unit): D's probability. */
        VALUE,
        /** mean_j (y_j − x_j)² of the output against the input row: G's reconstruction error. */
        RECONSTRUCTION_ERROR
    }

    /**
     * Writes one score per row of x (rows, inputDim) into out[0..rows). VALUE needs a network with one output;
     * RECONSTRUCTION_ERROR one whose output has the input's width.
     */
    void score(float[] x, int rows, float[] out, Output output);
}
