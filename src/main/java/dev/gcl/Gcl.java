package dev.gcl;

import dev.gcl.backend.Backend;
import dev.gcl.backend.cpu.CpuBackend;
import dev.gcl.data.TrainingData;
import dev.gcl.train.GclTrainer;

import java.util.function.Supplier;

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

    public Gcl(GclConfig config) {
        this(config, CpuBackend::new, TrainingListener.NONE);
    }

    private Gcl(GclConfig config, Supplier<? extends Backend> backends, TrainingListener listener) {
        if (config == null) throw new IllegalArgumentException("config must not be null");
        this.config = config;
        this.backends = backends;
        this.listener = listener;
    }

    /** The same settings, training on backends from this supplier. */
    public Gcl withBackend(Supplier<? extends Backend> backendFactory) {
        return new Gcl(config, backendFactory, listener);
    }

    /** The same settings, reporting progress to this listener. */
    public Gcl withListener(TrainingListener progress) {
        return new Gcl(config, backends, progress == null ? TrainingListener.NONE : progress);
    }

    public GclConfig config() {
        return config;
    }

    /** Trains on the data and returns the model. Throws IllegalArgumentException if the data does not suit the variant. */
    public GclModel fit(TrainingData data) {
        GclTrainer.checkData(config, data);
        try (Backend backend = backends.get()) {
            GclTrainer.Result r = new GclTrainer(config, backend, listener).train(data);
            return new GclModel(config, r.generator(), r.discriminator(), r.history());
        }
    }
}
