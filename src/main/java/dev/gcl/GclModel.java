package dev.gcl;

import dev.gcl.backend.blas.BlasInference;
import dev.gcl.backend.blas.BlasProbe;
import dev.gcl.nn.HostInference;
import dev.gcl.nn.NetworkWeights;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * A trained GCL model: the weights of G (and D, for variants that train one), the config and seed it was trained
 * with, and the training history. Scores segments on the host, by default with the {@link Scorer#FAST fast}
 * scorer (FP32 products through OpenBLAS, within the FP32 bound of the reference) where OpenBLAS loads, else with
 * the reference arithmetic; {@link #withScorer} picks one explicitly.
 *
 * <p>Immutable and thread-safe: {@link #score} may be called from many threads at once. Each thread keeps its own
 * scratch buffers, so scoring allocates nothing per call beyond the returned array (and nothing at all with
 * {@link #score(float[], int, float[])}) once a thread has warmed up; the fast scorer's only exception is a few
 * task objects per layer when a batch large enough to be worth it has its bias-and-activation pass run in
 * parallel ({@code BlasInference.PARALLEL_EPILOGUE} elements and more).
 */
public final class GclModel {
    /** Rows scored per forward pass of the reference; bounds the per-thread scratch. */
    private static final int CHUNK_ROWS = 256;
    /**
     * Rows per product of the fast scorer at most: large products keep OpenBLAS's threads busy between their
     * synchronisations (a thread's scratch grows to min(its largest batch, this)).
     */
    private static final int FAST_CHUNK_ROWS = 8192;

    private final GclConfig config;
    private final int dim;
    private final NetworkWeights generator;
    private final NetworkWeights discriminator;
    private final List<EpochStats> history;
    private final ScoreSource scoreSource;
    private final ThreadLocal<HostInference.Scratch> generatorScratch;
    private final ThreadLocal<HostInference.Scratch> discriminatorScratch;
    private final ThreadLocal<float[]> singleRowOut = ThreadLocal.withInitial(() -> new float[1]);
    private final Scorer scorer;
    private final int scoringThreads;
    /** The fast scorer's native weights and per-thread scratch, made on first use. */
    private volatile FastNet fastGenerator, fastDiscriminator;

    public GclModel(GclConfig config, NetworkWeights generator, NetworkWeights discriminator,
                    List<EpochStats> history) {
        this(config, generator, discriminator, history, BlasProbe.get().available() ? Scorer.FAST : Scorer.REFERENCE,
                Runtime.getRuntime().availableProcessors());
    }

    private GclModel(GclConfig config, NetworkWeights generator, NetworkWeights discriminator,
                     List<EpochStats> history, Scorer scorer, int scoringThreads) {
        if (scorer == Scorer.FAST && !BlasProbe.get().available()) {
            throw new IllegalStateException("the fast scorer needs OpenBLAS, which is unavailable: "
                    + BlasProbe.get().reason());
        }
        if (scoringThreads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + scoringThreads);
        this.scorer = scorer;
        this.scoringThreads = scoringThreads;
        this.config = config;
        this.generator = generator;
        this.discriminator = discriminator;
        this.history = List.copyOf(history);
        this.dim = generator.inputDim();
        this.scoreSource = config.resolvedScoreSource();
        if (scoreSource == ScoreSource.DISCRIMINATOR && discriminator == null) {
            throw new IllegalArgumentException("scoreSource: the model has no discriminator");
        }
        this.generatorScratch = ThreadLocal.withInitial(() -> new HostInference.Scratch(generator, CHUNK_ROWS));
        this.discriminatorScratch = discriminator == null ? null
                : ThreadLocal.withInitial(() -> new HostInference.Scratch(discriminator, CHUNK_ROWS));
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
    /** The arithmetic {@link #score} uses. */
    public Scorer scorer() { return scorer; }
    /** OpenBLAS threads of the fast scorer. */
    public int scoringThreads() { return scoringThreads; }

    /**
     * The same model scoring with this arithmetic and, for the fast scorer, this many OpenBLAS threads. Throws
     * IllegalStateException for FAST where OpenBLAS does not load.
     */
    public GclModel withScorer(Scorer scorer, int threads) {
        return new GclModel(config, generator, discriminator, history, scorer, threads);
    }

    /** {@link #withScorer(Scorer, int)} on every core. */
    public GclModel withScorer(Scorer scorer) {
        return withScorer(scorer, Runtime.getRuntime().availableProcessors());
    }

    /** One network's fast forward pass and its per-thread scratch (batch scratch grown to the largest chunk seen). */
    private static final class FastNet {
        final BlasInference net;
        final ThreadLocal<BlasInference.Scratch[]> batch = ThreadLocal.withInitial(() -> new BlasInference.Scratch[1]);
        final ThreadLocal<BlasInference.Scratch> single;

        FastNet(NetworkWeights weights, int threads) {
            net = new BlasInference(weights, threads);
            single = ThreadLocal.withInitial(() -> net.newScratch(1));
        }

        BlasInference.Scratch batchScratch(int rows) {
            BlasInference.Scratch[] holder = batch.get();
            if (holder[0] == null || holder[0].maxRows() < rows) holder[0] = net.newScratch(rows);
            return holder[0];
        }
    }

    private FastNet fast(boolean byD) {
        FastNet f = byD ? fastDiscriminator : fastGenerator;
        if (f != null) return f;
        synchronized (this) {
            if (byD) {
                if (fastDiscriminator == null) fastDiscriminator = new FastNet(discriminator, scoringThreads);
                return fastDiscriminator;
            }
            if (fastGenerator == null) fastGenerator = new FastNet(generator, scoringThreads);
            return fastGenerator;
        }
    }

    /**
     * Loads a model directory written by {@code gcl train} ({@code weights.npz} + {@code model.json}); throws
     * {@link dev.gcl.io.DataFormatException} naming the file and the problem.
     */
    public static GclModel load(java.nio.file.Path dir) {
        return dev.gcl.model.ModelFiles.load(dir).model();
    }

    /** The anomaly score of one segment (row of dim floats). Allocates nothing once the thread has warmed up. */
    public float score(float[] row) {
        if (row.length != dim) throw new IllegalArgumentException("row holds " + row.length + " floats, not " + dim);
        float[] out = singleRowOut.get();
        score(scoreSource, row, 1, out);
        return out[0];
    }

    /** Anomaly scores of x (rows, dim), higher = more anomalous, as a new array. */
    public float[] score(float[] x, int rows) {
        float[] out = new float[rows];
        score(x, rows, out);
        return out;
    }

    /** Writes the anomaly scores of x (rows, dim) into out[0..rows). */
    public void score(float[] x, int rows, float[] out) {
        score(scoreSource, x, rows, out);
    }

    /**
     * Writes scores of x (rows, dim) by the given source into out[0..rows): D's probability, or G's reconstruction
     * error mean_j (G(x)_j - x_j)². Any model can score by reconstruction; DISCRIMINATOR needs a trained D.
     */
    public void score(ScoreSource source, float[] x, int rows, float[] out) {
        if (source == ScoreSource.AUTO) source = scoreSource;
        if (source == ScoreSource.DISCRIMINATOR && discriminator == null) {
            throw new IllegalArgumentException("this " + config.variant().cliName() + " model has no discriminator");
        }
        if (rows < 0 || (long) rows * dim > x.length) {
            throw new IllegalArgumentException("x holds " + x.length + " floats, fewer than " + rows + " rows of "
                    + dim);
        }
        if (out.length < rows) throw new IllegalArgumentException("out holds " + out.length + " < " + rows);
        boolean byD = source == ScoreSource.DISCRIMINATOR;
        if (scorer == Scorer.FAST) {
            scoreFast(byD, x, rows, out);
            return;
        }
        HostInference.Scratch s = byD ? discriminatorScratch.get() : generatorScratch.get();
        for (int first = 0; first < rows; first += CHUNK_ROWS) {
            int n = Math.min(CHUNK_ROWS, rows - first);
            if (byD) {
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

    /**
     * The fast path: sgemv for one row, sgemm per chunk of up to FAST_CHUNK_ROWS rows; the same epilogue as the
     * reference. Allocates only when a thread scores more rows at once than ever before (up to one chunk).
     */
    private void scoreFast(boolean byD, float[] x, int rows, float[] out) {
        FastNet f = fast(byD);
        BlasInference.Scratch s = rows == 1 ? f.single.get() : f.batchScratch(Math.min(rows, FAST_CHUNK_ROWS));
        for (int first = 0; first < rows; first += FAST_CHUNK_ROWS) {
            int n = Math.min(FAST_CHUNK_ROWS, rows - first);
            FloatBuffer y = f.net.forward(x, first, n, s);
            if (byD) {
                y.get(0, out, first, n);
                continue;
            }
            for (int r = 0; r < n; r++) {
                double sum = 0;
                int xOff = (first + r) * dim, yOff = r * dim;
                for (int j = 0; j < dim; j++) {
                    double diff = (double) y.get(yOff + j) - x[xOff + j];
                    sum += diff * diff;
                }
                out[first + r] = (float) (sum / dim);
            }
        }
    }
}
