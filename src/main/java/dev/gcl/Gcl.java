package dev.gcl;

import dev.gcl.backend.Backend;
import dev.gcl.backend.cpu.CpuBackend;
import dev.gcl.data.TrainingData;
import dev.gcl.train.GclTrainer;

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

    public Gcl(GclConfig config) {
        this(config, CpuBackend::new, TrainingListener.NONE, null);
    }

    private Gcl(GclConfig config, Supplier<? extends Backend> backends, TrainingListener listener,
                ToDoubleFunction<GclModel> epochEvaluation) {
        if (config == null) throw new IllegalArgumentException("config must not be null");
        this.config = config;
        this.backends = backends;
        this.listener = listener;
        this.epochEvaluation = epochEvaluation;
    }

    /** The same settings, training on backends from this supplier. */
    public Gcl withBackend(Supplier<? extends Backend> backendFactory) {
        return new Gcl(config, backendFactory, listener, epochEvaluation);
    }

    /** The same settings, reporting progress to this listener. */
    public Gcl withListener(TrainingListener progress) {
        return new Gcl(config, backends, progress == null ? TrainingListener.NONE : progress, epochEvaluation);
    }

    /**
     * The same settings, evaluating the model after every epoch of the final phase (the cooperative loop, or the
     * autoencoder's training) with this function, e.g. the test AUC; the value lands in
     * {@link EpochStats#testMetric()}. Scoring a test set each epoch costs time: leave it off for speed.
     */
    public Gcl withEpochEvaluation(ToDoubleFunction<GclModel> evaluation) {
        return new Gcl(config, backends, listener, evaluation);
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
            GclTrainer.Result r = new GclTrainer(config, backend, listener, evaluator).train(data);
            return new GclModel(config, r.generator(), r.discriminator(), r.history());
        }
    }
}
