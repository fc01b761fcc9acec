package dev.gcl.model;

import dev.gcl.api.Internal;
import dev.gcl.config.GclConfig;
import dev.gcl.config.ScoreSource;
import dev.gcl.config.Variant;
import dev.gcl.io.InvalidInputException;
import dev.gcl.nn.HostInference;
import dev.gcl.nn.NetworkScorer;
import dev.gcl.nn.ScorerProvider;
import dev.gcl.nn.Scorers;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.progress.EpochStats;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * A trained GCL model: the weights of G (and D, for variants that train one), the config and seed it was trained
 * with, the training history and how it was made ({@link #provenance()}). Made by {@link dev.gcl.Gcl#fit} or
 * {@link #load}; there is no public constructor. Scores segments on the host, by default with the
 * {@link ScoringArithmetic#FAST fast} scorer (FP32 products, within the FP32 bound of the reference: the fastest
 * {@link ScorerProvider} available, OpenBLAS's where {@code gcl-blas} is on the class path and loads), else with the
 * reference arithmetic; {@link #withScorer} picks one explicitly.
 *
 * <p>Immutable and thread-safe: {@link #score} may be called from many threads at once. Each thread keeps its own
 * scratch buffers, so scoring allocates nothing per call beyond the returned array (and nothing at all with
 * {@link #score(float[], int, float[])}) once a thread has warmed up; the fast scorer's only exception is a few
 * task objects when a batch large enough to be worth it is split over its threads (OpenBLAS's scorer:
 * {@code BlasInference.SPLIT_WORK} multiply-adds and more). One row, or a batch too small to split, runs on the
 * calling thread; a large batch is split over the scorer's threads. None waits for another: single rows go on while
 * a large batch is scored. {@link #warmUp} makes the first call as fast as the next; {@link #score(FloatBuffer, int,
 * FloatBuffer)} reads direct buffers in place.
 */
public final class GclModel {
    /** Rows scored per forward pass of the reference; bounds the per-thread scratch. */
    private static final int CHUNK_ROWS = 256;

    private final GclConfig config;
    private final int dim;
    private final NetworkWeights generator;
    private final NetworkWeights discriminator;
    private final List<EpochStats> history;
    private final Provenance provenance;
    private final ScoreSource scoreSource;
    private final ThreadLocal<HostInference.Scratch> generatorScratch;
    private final ThreadLocal<HostInference.Scratch> discriminatorScratch;
    private final ThreadLocal<float[]> singleRowOut = ThreadLocal.withInitial(() -> new float[1]);
    private final ScoringArithmetic scorer;
    private final int scoringThreads;
    /** {@link #modelId()}, computed on first use. */
    private volatile String modelId;
    /** The fast scorer's provider; null for the reference arithmetic. */
    private final ScorerProvider fastScorer;
    /** The fast scorer of each network, made on first use. */
    private volatile NetworkScorer fastGenerator, fastDiscriminator;

    private GclModel(GclConfig config, NetworkWeights generator, NetworkWeights discriminator,
                     List<EpochStats> history, Provenance provenance, ScorerProvider fastScorer, int scoringThreads) {
        if (fastScorer != null && !fastScorer.available()) {
            throw new IllegalStateException("the " + fastScorer.name() + " scorer is unavailable: " + fastScorer.reason());
        }
        if (scoringThreads < 1) throw new InvalidInputException("threads must be >= 1, got " + scoringThreads);
        this.fastScorer = fastScorer;
        this.scorer = fastScorer == null ? ScoringArithmetic.REFERENCE : ScoringArithmetic.FAST;
        this.scoringThreads = scoringThreads;
        this.config = config;
        this.generator = generator;
        this.discriminator = discriminator;
        this.history = List.copyOf(history);
        this.provenance = provenance == null ? Provenance.UNKNOWN : provenance;
        this.dim = generator.inputDim();
        this.scoreSource = config.resolvedScoreSource();
        if (scoreSource == ScoreSource.DISCRIMINATOR && discriminator == null) {
            throw new InvalidInputException("scoreSource: the model has no discriminator");
        }
        this.generatorScratch = ThreadLocal.withInitial(() -> new HostInference.Scratch(generator, CHUNK_ROWS));
        this.discriminatorScratch = discriminator == null ? null
                : ThreadLocal.withInitial(() -> new HostInference.Scratch(discriminator, CHUNK_ROWS));
    }

    /**
     * A model from network weights, scoring with the fastest {@link ScorerProvider} available, else the reference.
     * provenance may be null (unknown).
     */
    @Internal("network weights are not API: model files, the trainer and the benchmarks build models from them")
    public static GclModel of(GclConfig config, NetworkWeights generator, NetworkWeights discriminator,
                              List<EpochStats> history, Provenance provenance) {
        return new GclModel(config, generator, discriminator, history, provenance, Scorers.fastest().orElse(null),
                Runtime.getRuntime().availableProcessors());
    }

    /** {@link #of(GclConfig, NetworkWeights, NetworkWeights, List, Provenance)} with unknown provenance. */
    @Internal("network weights are not API: the trainer and the benchmarks build models from them")
    public static GclModel of(GclConfig config, NetworkWeights generator, NetworkWeights discriminator,
                              List<EpochStats> history) {
        return of(config, generator, discriminator, history, Provenance.UNKNOWN);
    }

    public GclConfig config() { return config; }
    public long seed() { return config.seed(); }
    public Variant variant() { return config.variant(); }
    /** The feature dimension the model expects. */
    public int dim() { return dim; }
    /** G's weights. */
    @Internal("network weights are not API: model files and the report's pictures read them")
    public NetworkWeights generator() { return generator; }
    /** D's weights, or null for variants without a discriminator. */
    @Internal("network weights are not API: model files and the report's pictures read them")
    public NetworkWeights discriminator() { return discriminator; }
    /** How the model was made: backend, precision, threads, library version and commit, data fingerprint. */
    public Provenance provenance() { return provenance; }
    /**
     * The model's id: {@code "sha256:"} and 64 hex digits of SHA-256 over its weights and their shapes in a defined
     * order (docs/java-api.md, "Model id"), the same for every copy of these weights whatever their config or
     * history. model.json records it ({@code "model_id"}), {@code gcl info --model} prints it and an exported ONNX
     * file carries it. Computed once, on first use.
     */
    public String modelId() {
        String id = modelId;
        if (id == null) modelId = id = ModelId.of(generator, discriminator);
        return id;
    }

    /** Per-epoch statistics of every phase, in training order. */
    public List<EpochStats> history() { return history; }
    /** What {@link #score} returns (never AUTO). */
    public ScoreSource scoreSource() { return scoreSource; }
    /** The arithmetic {@link #score} uses. */
    public ScoringArithmetic scorer() { return scorer; }
    /** The scorer {@link #score} uses by name: a {@link ScorerProvider}'s ("blas", "java") or "reference". */
    public String scorerName() { return fastScorer == null ? "reference" : fastScorer.name(); }
    /** Threads a large batch is split over by the fast scorer. */
    public int scoringThreads() { return scoringThreads; }

    /**
     * The same model scoring with this arithmetic and, for the fast scorer, large batches split over this many
     * threads (one row always runs on the calling thread). FAST is the fastest {@link ScorerProvider} available;
     * IllegalStateException where none is.
     */
    public GclModel withScorer(ScoringArithmetic scorer, int threads) {
        if (scorer == ScoringArithmetic.REFERENCE) return withScorer((ScorerProvider) null, threads);
        return withScorer(Scorers.fastest().orElseThrow(() -> new IllegalStateException(
                "no fast scorer is available: " + Scorers.whyNone())), threads);
    }

    /**
     * The same model scoring with the scorer of this name: "fast", "reference" or a provider's ("blas", "java").
     * InvalidInputException for a name whose artifact is not on the class path (naming it) or an unknown one;
     * IllegalStateException for one that is there but unavailable.
     */
    public GclModel withScorer(String name, int threads) {
        if (name.equals("fast")) return withScorer(ScoringArithmetic.FAST, threads);
        if (name.equals("reference")) return withScorer(ScoringArithmetic.REFERENCE, threads);
        return withScorer(Scorers.provider(name), threads);
    }

    private GclModel withScorer(ScorerProvider fast, int threads) {
        GclModel m = new GclModel(config, generator, discriminator, history, provenance, fast, threads);
        m.modelId = modelId;   // the same weights
        return m;
    }

    /** {@link #withScorer(ScoringArithmetic, int)} on every core. */
    public GclModel withScorer(ScoringArithmetic scorer) {
        return withScorer(scorer, Runtime.getRuntime().availableProcessors());
    }

    private NetworkScorer fast(boolean byD) {
        NetworkScorer f = byD ? fastDiscriminator : fastGenerator;
        if (f != null) return f;
        synchronized (this) {
            if (byD) {
                if (fastDiscriminator == null) fastDiscriminator = fastScorer.create(discriminator, scoringThreads);
                return fastDiscriminator;
            }
            if (fastGenerator == null) fastGenerator = fastScorer.create(generator, scoringThreads);
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
        if (row.length != dim) throw new InvalidInputException("row holds " + row.length + " floats, not " + dim);
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
        source = resolve(source);
        if (rows < 0 || (long) rows * dim > x.length) {
            throw new IllegalArgumentException("x holds " + x.length + " floats, fewer than " + rows + " rows of "
                    + dim);
        }
        if (out.length < rows) throw new IllegalArgumentException("out holds " + out.length + " < " + rows);
        boolean byD = source == ScoreSource.DISCRIMINATOR;
        if (scorer == ScoringArithmetic.FAST) {
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
     * Writes the anomaly scores of x (rows, dim) into out's indices [0, rows): {@link #score(float[], int, float[])}
     * on buffers, read and written by absolute index (positions and limits neither read nor moved). A direct buffer
     * in native order (a service's off-heap request, a memory-mapped file) is read in place by the fast scorers, not
     * copied; other buffers and the reference arithmetic copy it through an array.
     */
    public void score(FloatBuffer x, int rows, FloatBuffer out) {
        score(scoreSource, x, rows, out);
    }

    /** {@link #score(FloatBuffer, int, FloatBuffer)} by the given source (as {@link #score(ScoreSource, float[], int, float[])}). */
    public void score(ScoreSource source, FloatBuffer x, int rows, FloatBuffer out) {
        source = resolve(source);
        if (rows < 0 || (long) rows * dim > x.limit()) {
            throw new IllegalArgumentException("x's limit is " + x.limit() + " floats, fewer than " + rows
                    + " rows of " + dim);
        }
        if (out.limit() < rows) throw new IllegalArgumentException("out's limit is " + out.limit() + " < " + rows);
        boolean byD = source == ScoreSource.DISCRIMINATOR;
        if (scorer == ScoringArithmetic.FAST) {
            fast(byD).score(x, dim, rows, out, output(byD));
            return;
        }
        float[] in = new float[rows * dim], scores = new float[rows];
        x.get(0, in);
        score(source, in, rows, scores);
        out.put(0, scores);
    }

    /**
     * Makes the first scoring call about as fast as the next: builds the fast scorer of both networks (OpenBLAS's
     * copies the weights into native memory; its natives were loaded when the model was made, which probes the
     * scorers) and runs {@link #WARM_UP_ROUNDS} times one row and a 2-row batch through each on the calling thread
     * (its buffers; the JIT's compilations of the pure-Java scorer's loops). Measured at D 2048 (benchmarks/README.md):
     * a first call of 11-25 ms (blas) or 46-55 ms (java) without it, 0.3 ms after it. Other threads still allocate
     * their own buffers on their first call (a few hundred KB). Returns this model.
     */
    public GclModel warmUp() {
        float[] x = new float[2 * dim], out = new float[2];
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            for (ScoreSource source : new ScoreSource[] {ScoreSource.RECONSTRUCTION, ScoreSource.DISCRIMINATOR}) {
                if (source == ScoreSource.DISCRIMINATOR && discriminator == null) continue;
                score(source, x, 1, out);
                score(source, x, 2, out);
            }
        }
        return this;
    }

    /** Rounds of {@link #warmUp}: with one, the pure-Java scorer's next call still took about 1 ms (interpreted). */
    static final int WARM_UP_ROUNDS = 5;

    /** AUTO as the model's own source; InvalidInputException for DISCRIMINATOR without a trained D. */
    private ScoreSource resolve(ScoreSource source) {
        if (source == ScoreSource.AUTO) return scoreSource;
        if (source == ScoreSource.DISCRIMINATOR && discriminator == null) {
            throw new InvalidInputException("this " + config.variant().cliName() + " model has no discriminator");
        }
        return source;
    }

    /** What a fast scorer writes: D's probability, or G's reconstruction error. */
    private static NetworkScorer.Output output(boolean byD) {
        return byD ? NetworkScorer.Output.VALUE : NetworkScorer.Output.RECONSTRUCTION_ERROR;
    }

    /** The fast path (a {@link NetworkScorer}): the same epilogue and reconstruction sum as the reference. */
    private void scoreFast(boolean byD, float[] x, int rows, float[] out) {
        fast(byD).score(x, rows, out, output(byD));
    }
}
