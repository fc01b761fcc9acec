package dev.gcl;

import dev.gcl.api.Internal;
import dev.gcl.backend.Backend;
import dev.gcl.backend.Backends;
import dev.gcl.backend.Precision;
import dev.gcl.config.GclConfig;
import dev.gcl.data.DataFingerprint;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.model.Provenance;
import dev.gcl.progress.TrainingListener;
import dev.gcl.train.CheckpointPolicy;
import dev.gcl.train.DeviceMemoryNeed;
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
 * A {@code Gcl} holds only settings and may fit many data sets; each fit opens a fresh backend and closes it when
 * done. By default it picks the fastest backend available, as {@code gcl train --backend auto} does: CUDA where a
 * GPU is usable, else the OpenBLAS FP32 backend ({@code blas}), else the reference, on all cores, and tells the
 * {@link TrainingListener#onMessage listener} which and why. {@link #withReferenceBackend()} trains on the CPU
 * reference instead: bit-reproducible on any machine and thread count, and many times slower
 * ({@code docs/cpu-backends.md}). The model records the backend that trained it ({@link GclModel#provenance()}).
 */
public final class Gcl {
    private final GclConfig config;
    /** Where each fit's backend comes from; null: auto, chosen when fit starts, on autoThreads CPU threads. */
    private final Supplier<? extends Backend> backends;
    private final int autoThreads;
    private final TrainingListener listener;
    private final ToDoubleFunction<GclModel> epochEvaluation;
    private final CheckpointPolicy checkpoints;
    private final NanPolicy nanPolicy;
    private final TrainerState resumeFrom;

    public Gcl(GclConfig config) {
        this(config, null, Runtime.getRuntime().availableProcessors(), TrainingListener.NONE, null,
                CheckpointPolicy.NONE, NanPolicy.STOP, null);
    }

    private Gcl(GclConfig config, Supplier<? extends Backend> backends, int autoThreads, TrainingListener listener,
                ToDoubleFunction<GclModel> epochEvaluation, CheckpointPolicy checkpoints, NanPolicy nanPolicy,
                TrainerState resumeFrom) {
        if (config == null) throw new IllegalArgumentException("config must not be null");
        this.config = config;
        this.backends = backends;
        this.autoThreads = autoThreads;
        this.listener = listener;
        this.epochEvaluation = epochEvaluation;
        this.checkpoints = checkpoints;
        this.nanPolicy = nanPolicy;
        this.resumeFrom = resumeFrom;
    }

    /**
     * The same settings, training on this backend: {@code "auto"} (the default), {@code "reference"} (alias
     * {@code "cpu"}), {@code "blas"} or {@code "cuda"}, as {@code gcl train --backend} takes them, in FP32; threads
     * is the CPU backends' thread count (ignored by CUDA). Throws IllegalArgumentException for an unknown name and
     * IllegalStateException, with the reason, for a backend unavailable on this machine.
     */
    public Gcl withBackend(String kind, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        if (Backends.canonical(kind).equals("auto")) return withBackendSupplier(null, threads);
        return withBackendSupplier(Backends.supplier(kind, threads), autoThreads);
    }

    /**
     * The same settings, training on the CPU reference on all cores: the algorithm as written, double sums,
     * bit-reproducible on any machine and thread count; for reproducing a published number exactly or checking
     * another backend, not for speed.
     */
    public Gcl withReferenceBackend() {
        return withBackend("reference", Runtime.getRuntime().availableProcessors());
    }

    /** The same settings, training on backends from this supplier. */
    @Internal("backends are not API: the gcl tool, gcl verify and the tests hand in their own")
    public Gcl withBackend(Supplier<? extends Backend> backendFactory) {
        if (backendFactory == null) throw new IllegalArgumentException("backendFactory must not be null");
        return withBackendSupplier(backendFactory, autoThreads);
    }

    private Gcl withBackendSupplier(Supplier<? extends Backend> backendFactory, int threadsIfAuto) {
        return new Gcl(config, backendFactory, threadsIfAuto, listener, epochEvaluation, checkpoints, nanPolicy,
                resumeFrom);
    }

    /** The same settings, reporting progress to this listener. */
    public Gcl withListener(TrainingListener progress) {
        return new Gcl(config, backends, autoThreads, progress == null ? TrainingListener.NONE : progress,
                epochEvaluation, checkpoints, nanPolicy, resumeFrom);
    }

    /** The same settings, handing checkpoints to this policy at the boundaries it chooses (and stopping on request). */
    @Internal("checkpoint files are written by the gcl tool (--checkpoint-every, resume)")
    public Gcl withCheckpoints(CheckpointPolicy policy) {
        return new Gcl(config, backends, autoThreads, listener, epochEvaluation, policy, nanPolicy, resumeFrom);
    }

    /** The same settings, with this reaction to a non-finite loss (default: stop). */
    @Internal("the gcl tool's --on-nan")
    public Gcl withNanPolicy(NanPolicy policy) {
        return new Gcl(config, backends, autoThreads, listener, epochEvaluation, checkpoints, policy, resumeFrom);
    }

    /**
     * The same settings, continuing from a checkpoint instead of starting afresh; the result is bit-identical to
     * an uninterrupted run when the config, data and backend are the same.
     */
    @Internal("the gcl tool's resume from checkpoint files")
    public Gcl resumingFrom(TrainerState state) {
        return new Gcl(config, backends, autoThreads, listener, epochEvaluation, checkpoints, nanPolicy, state);
    }

    /**
     * The same settings, evaluating the model after every epoch of the final phase (the cooperative loop, or the
     * autoencoder's training) with this function, e.g. the test AUC; the value lands in
     * {@link dev.gcl.progress.EpochStats#testMetric()}. Scoring a test set each epoch costs time: leave it off for speed.
     */
    public Gcl withEpochEvaluation(ToDoubleFunction<GclModel> evaluation) {
        return new Gcl(config, backends, autoThreads, listener, evaluation, checkpoints, nanPolicy, resumeFrom);
    }

    public GclConfig config() {
        return config;
    }

    /**
     * Trains on the data and returns the model, which records how it was made ({@link GclModel#provenance()}).
     * Throws IllegalArgumentException if the data does not suit the variant.
     */
    public GclModel fit(TrainingData data) {
        GclTrainer.checkData(config, data);
        String fingerprint = DataFingerprint.of(data);
        Backends.Auto auto = backends == null ? Backends.auto(DeviceMemoryNeed.bytes(config, data.rows(), data.dim()))
                : null;
        try (Backend backend = openBackend(auto)) {
            // why a device present was passed over (unusable, or too full for this run), for the provenance
            String autoNote = backend.device() != null ? null
                    : auto != null ? auto.note() : Backends.devicesPassedOver();
            GclTrainer.EpochEvaluator evaluator = epochEvaluation == null ? null
                    : (g, d) -> epochEvaluation.applyAsDouble(GclModel.of(config, g, d, List.of()));
            GclTrainer.Result r = new GclTrainer(config, backend, listener, evaluator).withCheckpoints(checkpoints)
                    .withNanPolicy(nanPolicy).resumingFrom(resumeFrom).train(data);
            Provenance made = new Provenance(backend.name(), backend.precision().cliName(),
                    backend.threads() > 0 ? backend.threads() : null, Provenance.currentLibraryVersion(),
                    Provenance.currentGitCommit(), fingerprint, backend.device(), autoNote);
            return GclModel.of(config, r.generator(), r.discriminator(), r.history(), made);
        }
    }

    /** The supplier's backend, or auto's choice on all cores, announced to the listener. */
    private Backend openBackend(Backends.Auto auto) {
        if (auto == null) return backends.get();
        listener.onMessage("backend auto: using " + Backends.describe(auto.kind(), autoThreads) + "; " + auto.why());
        return Backends.create(auto.kind(), autoThreads, Precision.FP32);
    }
}
