package dev.gcl.train;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.IterationGraphs;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.io.InvalidInputException;
import dev.gcl.nn.Network;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.progress.EpochStats;
import dev.gcl.progress.TrainingListener;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Trains Generative Cooperative Learning (Zaheer et al., "Generative Cooperative Learning for Unsupervised Video
 * Anomaly Detection", CVPR 2022), every variant, exactly as docs/algorithm.md states it: sets up the networks and
 * the variant's phases ({@link PhasePlan}), then lets {@link PhaseRunner} run them, one {@link GclIteration} per
 * batch. It touches network data only through {@link Backend} ops.
 *
 * <p>Immutable: the {@code with*} methods return a copy, as {@code Gcl}'s do. Each {@link #train} call is one fit;
 * the backend stays owned by the caller. The data must have passed {@link #checkData}.
 */
public final class GclTrainer {
    /** INIT stream ids: G's tensors start here, D's at {@link #D_INIT_STREAM}. */
    static final int G_INIT_STREAM = 0;
    static final int D_INIT_STREAM = 1000;

    /** Evaluates the networks after an epoch of the cooperative or autoencoder phase (e.g. test AUC); may be NaN. */
    public interface EpochEvaluator {
        double evaluate(NetworkWeights generator, NetworkWeights discriminator);
    }

    /** What training produced; discriminator is null for variants without D. */
    public record Result(NetworkWeights generator, NetworkWeights discriminator, List<EpochStats> history) {}

    /** How a fit reports, checkpoints, treats non-finite values and where it starts. */
    record Options(TrainingListener listener, EpochEvaluator evaluator, CheckpointPolicy checkpoints,
                   NanPolicy nanPolicy, TrainerState resumeFrom) {}

    private final GclConfig config;
    private final Backend backend;
    private final Options options;

    public GclTrainer(GclConfig config, Backend backend, TrainingListener listener) {
        this(config, backend, listener, null);
    }

    /** evaluator (nullable) runs after every epoch of the cooperative or autoencoder phase. */
    public GclTrainer(GclConfig config, Backend backend, TrainingListener listener, EpochEvaluator evaluator) {
        this(config, backend, new Options(listener == null ? TrainingListener.NONE : listener, evaluator,
                CheckpointPolicy.NONE, NanPolicy.STOP, null));
    }

    private GclTrainer(GclConfig config, Backend backend, Options options) {
        this.config = config;
        this.backend = backend;
        this.options = options;
    }

    /** A copy that checkpoints at the boundaries the policy chooses, and stops (after a checkpoint) when it asks. */
    public GclTrainer withCheckpoints(CheckpointPolicy policy) {
        return new GclTrainer(config, backend, new Options(options.listener(), options.evaluator(),
                policy == null ? CheckpointPolicy.NONE : policy, options.nanPolicy(), options.resumeFrom()));
    }

    /** A copy with this reaction to a non-finite loss. */
    public GclTrainer withNanPolicy(NanPolicy policy) {
        return new GclTrainer(config, backend, new Options(options.listener(), options.evaluator(),
                options.checkpoints(), policy, options.resumeFrom()));
    }

    /** A copy that continues from a checkpoint of a run with the same config and data (null: from the start). */
    public GclTrainer resumingFrom(TrainerState state) {
        return new GclTrainer(config, backend, new Options(options.listener(), options.evaluator(),
                options.checkpoints(), options.nanPolicy(), state));
    }

    /** Checks that the data suits the variant; the message names what is missing. */
    public static void checkData(GclConfig config, TrainingData data) {
        DataRequirements.check(config, data);
    }

    /** One fit on data that passed {@link #checkData}. */
    public Result train(TrainingData data) {
        int batch = Math.min(config.batchSize(), data.rows());
        Variant v = config.variant();
        TrainingListener listener = options.listener();
        listener.onMessage("variant " + v.cliName() + " on " + data + ", backend " + backend.name());
        SmallDataCheck.warning(config, data.rows(), data.dim()).ifPresent(listener::onMessage);
        backend.checkFits(DeviceMemoryNeed.bytes(config, data.rows(), data.dim()));
        Network g = null, d = null;
        try (IterationBuffers buffers = new IterationBuffers(backend, config, batch, data.dim(), v == Variant.GCL_WS);
             Batches batches = new Batches(backend, data, buffers, batch, v == Variant.GCL_WS ? weakLabelMask(data)
                     : null);
             IterationGraphs graphs = backend.iterationGraphs()) {  // closed first: its graphs use the buffers
            g = new Network(backend, NetworkWeights.initialise(config.generatorDims(data.dim()), Activation.IDENTITY,
                    config.seed(), G_INIT_STREAM), batch);
            if (v.usesDiscriminator()) {
                d = new Network(backend, NetworkWeights.initialise(config.discriminatorDims(data.dim()),
                        Activation.SIGMOID, config.seed(), D_INIT_STREAM), batch);
            }
            List<PhasePlan> plan = PhasePlan.of(config, data, PhasePlan.needsCleaning(config) ? clean(data) : null);
            if (options.resumeFrom() != null) restore(options.resumeFrom(), plan.size(), g, d);
            NonFiniteValues nonFinite = new NonFiniteValues(options.nanPolicy(), g, d);
            GclIteration iteration = new GclIteration(config, backend, g, d, buffers, data.dim());
            List<EpochStats> history = new PhaseRunner(config.seed(), data, batches, batch, iteration, g, d, options,
                    nonFinite, graphs).run(plan, options.resumeFrom());
            if (nonFinite.skippedBatches() > 0) {
                listener.onMessage("warning: skipped " + nonFinite.skippedBatches()
                        + " batches whose loss was not finite");
            }
            return new Result(g.download(), d == null ? null : d.download(), history);
        } finally {
            if (g != null) g.close();
            if (d != null) d.close();
        }
    }

    /**
     * gcl-ws: draws which videos carry their label (round(f·V) of them, at least 1, from the WEAK_LABEL_DRAW
     * permutation); the mask forces lG = lD = 0 on segments of the drawn videos labelled normal.
     */
    private float[] weakLabelMask(TrainingData data) {
        int videos = data.videos();
        int labelled = Math.max(1, (int) Math.round(config.weakLabelFraction() * videos));
        int[] perm = new RandomStream(config.seed(), Purpose.WEAK_LABEL_DRAW, 0).permutation(videos);
        float[] mask = new float[data.rows()];
        Arrays.fill(mask, 1f);
        for (int k = 0; k < labelled; k++) {
            int v = perm[k];
            if (data.videoLabel(v) == 0) Arrays.fill(mask, data.videoStart(v), data.videoEnd(v), 0f);
        }
        options.listener().onMessage("gcl-ws: labels of " + labelled + " of " + videos + " videos are used");
        return mask;
    }

    private TemporalCleaning.Result clean(TrainingData data) {
        TemporalCleaning.Result r = TemporalCleaning.clean(data, config.cleaningRule(), config.cleaningValue());
        double f = r.fractionKept();
        TrainingListener listener = options.listener();
        listener.onMessage(String.format(Locale.ROOT, "temporal cleaning (%s, T_delta = %.4f) kept %d of %d segments"
                + " (%.1f%%)", config.cleaningRule().cliName(), r.threshold(), r.keptRows().length, r.totalRows(),
                100 * f));
        if (f < 0.10 || f > 0.99) {
            listener.onMessage(String.format(Locale.ROOT, "warning: temporal cleaning kept %.1f%% of segments;"
                    + " T_delta may not suit these features (the default 0.70 assumes L2-normalised features)",
                    100 * f));
        }
        if (r.keptRows().length < 2) {
            throw new InvalidInputException("cleaningValue: temporal cleaning kept " + r.keptRows().length
                    + " segments; at least 2 are needed to pre-train G");
        }
        return r;
    }

    /** Restores networks and optimiser state from a checkpoint, after checking it fits this run. */
    private void restore(TrainerState s, int phases, Network g, Network d) {
        TrainerState.Position pos = s.position();
        if (pos.phase() < 0 || pos.phase() > phases) {
            throw new InvalidInputException("checkpoint: phase " + pos.phase() + " does not exist in a "
                    + config.variant().cliName() + " run of " + phases + " phases");
        }
        if ((s.discriminator() != null) != (d != null)) {
            throw new InvalidInputException("checkpoint: discriminator present/absent does not match variant "
                    + config.variant().cliName());
        }
        g.restore(s.generator(), s.generatorOptimizer());
        if (d != null) d.restore(s.discriminator(), s.discriminatorOptimizer());
        options.listener().onMessage("resuming at phase " + pos.phase() + ", epoch " + (pos.epoch() + 1)
                + ", iteration " + pos.globalIteration());
    }
}
