package dev.gcl;

import dev.gcl.backend.Backend;
import dev.gcl.backend.cpu.CpuBackend;
import dev.gcl.data.TrainingData;
import dev.gcl.train.CheckpointPolicy;
import dev.gcl.train.GclTrainer;
import dev.gcl.train.NanPolicy;
import dev.gcl.train.TrainerState;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Generative Cooperative Learning for unsupervised video anomaly detection (Zaheer, Mahmood, Khan, Segu, Yu, Lee:
 * "Generative Cooperative Learning for Unsupervised Video Anomaly Detection", CVPR 2022), in the shape of PyOD and
 * scikit-learn detectors:
 *
 * <pre>{@code
 * GclModel model = new Gcl(GclConfig.builder().variant(Variant.GCL_PT).seed(7).build()).fit(data);
 * float[] scores = model.score(x, rows);   // higher = more anomalous
 * }</pre>
 *
 * A {@code Gcl} holds only settings and may fit many data sets; each fit opens a fresh backend from the supplier
 * (by default a {@link CpuBackend} on all cores) and closes it when done.
 */
public final class Gcl {
    private final GclConfig config;
    private final Supplier<? extends Backend> backends;
    private final TrainingListener listener;
    private final ToDoubleFunction<GclModel> epochEvaluation;
    private final CheckpointPolicy checkpoints;
    private final NanPolicy nanPolicy;
    private final TrainerState resumeFrom;

    public Gcl(GclConfig config) {
        this(config, CpuBackend::new, TrainingListener.NONE, null, CheckpointPolicy.NONE, NanPolicy.STOP, null);
    }

    private Gcl(GclConfig config, Supplier<? extends Backend> backends, TrainingListener listener,
                ToDoubleFunction<GclModel> epochEvaluation, CheckpointPolicy checkpoints, NanPolicy nanPolicy,
                TrainerState resumeFrom) {
        if (config == null) throw new IllegalArgumentException("config must not be null");
        this.config = config;
        this.backends = backends;
        this.listener = listener;
        this.epochEvaluation = epochEvaluation;
        this.checkpoints = checkpoints;
        this.nanPolicy = nanPolicy;
        this.resumeFrom = resumeFrom;
    }

    /** The same settings, training on backends from this supplier. */
    public Gcl withBackend(Supplier<? extends Backend> backendFactory) {
        return new Gcl(config, backendFactory, listener, epochEvaluation, checkpoints, nanPolicy, resumeFrom);
    }

    /** The same settings, reporting progress to this listener. */
    public Gcl withListener(TrainingListener progress) {
        return new Gcl(config, backends, progress == null ? TrainingListener.NONE : progress, epochEvaluation,
                checkpoints, nanPolicy, resumeFrom);
    }

    /** The same settings, handing checkpoints to this policy at the boundaries it chooses (and stopping on request). */
    public Gcl withCheckpoints(CheckpointPolicy policy) {
        return new Gcl(config, backends, listener, epochEvaluation, policy, nanPolicy, resumeFrom);
    }

    /** The same settings, with this reaction to a non-finite loss (default: stop). */
    public Gcl withNanPolicy(NanPolicy policy) {
        return new Gcl(config, backends, listener, epochEvaluation, checkpoints, policy, resumeFrom);
    }

    /**
     * The same settings, continuing from a checkpoint instead of starting afresh; the result is bit-identical to
     * an uninterrupted run when the config, data and backend are the same.
     */
    public Gcl resumingFrom(TrainerState state) {
        return new Gcl(config, backends, listener, epochEvaluation, checkpoints, nanPolicy, state);
    }

    /**
     * The same settings, evaluating the model after every epoch of the final phase (the cooperative loop, or the
     * autoencoder's training) with this function, e.g. the test AUC; the value lands in
     * {@link EpochStats#testMetric()}. Scoring a test set each epoch costs time: leave it off for speed.
     */
    public Gcl withEpochEvaluation(ToDoubleFunction<GclModel> evaluation) {
        return new Gcl(config, backends, listener, evaluation, checkpoints, nanPolicy, resumeFrom);
    }

    public GclConfig config() {
        return config;
    }

    /** Trains on the data and returns the model. Throws IllegalArgumentException if the data does not suit the variant. */
    public GclModel fit(TrainingData data) {
        GclTrainer.checkData(config, data);
        try (Backend backend = backends.get()) {
            GclTrainer.EpochEvaluator evaluator = epochEvaluation == null ? null
                    : (g, d) -> epochEvaluation.applyAsDouble(new GclModel(config, g, d, List.of()));
            GclTrainer.Result r = new GclTrainer(config, backend, listener, evaluator).withCheckpoints(checkpoints)
                    .withNanPolicy(nanPolicy).resumingFrom(resumeFrom).train(data);
            return new GclModel(config, r.generator(), r.discriminator(), r.history());
        }
    }
}
