package dev.gcl.nn;

import java.nio.FloatBuffer;

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
        RECONSTRUCTION_ERROR;

        /** IllegalArgumentException unless a network of these widths can give this output. */
        public void requireFits(int inputDim, int outputDim) {
            if (this == VALUE && outputDim != 1) {
                throw new IllegalArgumentException("VALUE needs one output unit, the network has " + outputDim);
            }
            if (this == RECONSTRUCTION_ERROR && outputDim != inputDim) {
                throw new IllegalArgumentException("RECONSTRUCTION_ERROR needs outputDim == inputDim");
            }
        }
    }

    /**
     * Writes one score per row of x (rows, inputDim) into out[0..rows). VALUE needs a network with one output;
     * RECONSTRUCTION_ERROR one whose output has the input's width.
     */
    void score(float[] x, int rows, float[] out, Output output);

    /**
     * {@link #score(float[], int, float[], Output)} on buffers: x (rows, inputDim) from x's index 0, scores to
     * out's indices [0, rows), by absolute index (positions and limits are neither read nor moved). This default
     * copies x into an array (inputDim floats per row, within x's limit); scorers that read a
     * direct buffer in place override it.
     */
    default void score(FloatBuffer x, int inputDim, int rows, FloatBuffer out, Output output) {
        float[] in = new float[Math.multiplyExact(rows, inputDim)];
        x.get(0, in, 0, in.length);
        float[] scores = new float[rows];
        score(in, rows, scores, output);
        out.put(0, scores, 0, rows);
    }
}
