package dev.gcl;

import dev.gcl.nn.HostInference;
import dev.gcl.nn.NetworkWeights;

import java.util.List;

/**
 * A trained GCL model: the weights of G (and D, for variants that train one), the config and seed it was trained
 * with, and the training history. Scores segments on the host with the reference arithmetic.
 *
 * <p>Immutable and thread-safe: {@link #score} may be called from many threads at once. Each thread keeps its own
 * scratch buffers, so scoring allocates nothing per call beyond the returned array (and nothing at all with
 * {@link #score(float[], int, float[])}) once a thread has warmed up.
 */
public final class GclModel {
    /** Rows scored per forward pass; bounds the per-thread scratch. */
    private static final int CHUNK_ROWS = 256;

    private final GclConfig config;
    private final int dim;
    private final NetworkWeights generator;
    private final NetworkWeights discriminator;
    private final List<EpochStats> history;
    private final ScoreSource scoreSource;
    private final ThreadLocal<HostInference.Scratch> scratch;

    public GclModel(GclConfig config, NetworkWeights generator, NetworkWeights discriminator,
                    List<EpochStats> history) {
        this.config = config;
        this.generator = generator;
        this.discriminator = discriminator;
        this.history = List.copyOf(history);
        this.dim = generator.inputDim();
        this.scoreSource = config.resolvedScoreSource();
        if (scoreSource == ScoreSource.DISCRIMINATOR && discriminator == null) {
            throw new IllegalArgumentException("scoreSource: the model has no discriminator");
        }
        NetworkWeights scorer = scoreSource == ScoreSource.DISCRIMINATOR ? discriminator : generator;
        this.scratch = ThreadLocal.withInitial(() -> new HostInference.Scratch(scorer, CHUNK_ROWS));
    }

    public GclConfig config() { return config; }
    public long seed() { return config.seed(); }
    public Variant variant() { return config.variant(); }
    /** The feature dimension the model expects. */
    public int dim() { return dim; }
    public NetworkWeights generator() { return generator; }
    /** D's weights, or null for variants without a discriminator. */
    public NetworkWeights discriminator() { return discriminator; }
    /** Per-epoch statistics of every phase, in training order. */
    public List<EpochStats> history() { return history; }
    /** What {@link #score} returns (never AUTO). */
    public ScoreSource scoreSource() { return scoreSource; }

    /** Anomaly scores of x (rows, dim), higher = more anomalous, as a new array. */
    public float[] score(float[] x, int rows) {
        float[] out = new float[rows];
        score(x, rows, out);
        return out;
    }

    /** Writes the anomaly scores of x (rows, dim) into out[0..rows). */
    public void score(float[] x, int rows, float[] out) {
        if (rows < 0 || (long) rows * dim > x.length) {
            throw new IllegalArgumentException("x holds " + x.length + " floats, fewer than " + rows + " rows of "
                    + dim);
        }
        if (out.length < rows) throw new IllegalArgumentException("out holds " + out.length + " < " + rows);
        HostInference.Scratch s = scratch.get();
        for (int first = 0; first < rows; first += CHUNK_ROWS) {
            int n = Math.min(CHUNK_ROWS, rows - first);
            if (scoreSource == ScoreSource.DISCRIMINATOR) {
                float[] p = HostInference.forward(discriminator, x, first, n, s);
                System.arraycopy(p, 0, out, first, n);
            } else {
                float[] recon = HostInference.forward(generator, x, first, n, s);
                for (int r = 0; r < n; r++) {
                    double sum = 0;
                    int xOff = (first + r) * dim, yOff = r * dim;
                    for (int j = 0; j < dim; j++) {
                        double diff = (double) recon[yOff + j] - x[xOff + j];
                        sum += diff * diff;
                    }
                    out[first + r] = (float) (sum / dim);
                }
            }
        }
    }
}
