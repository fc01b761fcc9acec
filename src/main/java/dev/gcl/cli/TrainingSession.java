package dev.gcl.cli;

import dev.gcl.Gcl;
import dev.gcl.GclConfig;
import dev.gcl.GclModel;
import dev.gcl.ScoreSource;
import dev.gcl.Scorer;
import dev.gcl.TrainingListener;
import dev.gcl.backend.Backend;
import dev.gcl.data.Dataset;
import dev.gcl.eval.FrameEvaluation;
import dev.gcl.train.CheckpointPolicy;
import dev.gcl.train.NanPolicy;
import dev.gcl.train.TrainerState;

import java.util.function.Supplier;

/** One training run on a dataset and its evaluation on the test split: what train and sweep share. */
final class TrainingSession {
    private TrainingSession() {}

    /** Checkpoints, NaN handling and resume state of one run (NONE: none of them). */
    record Controls(CheckpointPolicy checkpoints, NanPolicy nanPolicy, TrainerState resumeFrom) {
        static final Controls NONE = new Controls(CheckpointPolicy.NONE, NanPolicy.STOP, null);
    }

    /** metrics is null when the dataset has no test split. */
    record Outcome(GclModel model, FrameEvaluation.Result metrics, double seconds, double segmentsPerSecond) {}

    /**
     * Trains and evaluates; the test split is scored with scorer (the reference's runs with the reference scorer,
     * so that everything they report is reference arithmetic).
     */
    static Outcome run(Dataset data, GclConfig config, Supplier<Backend> backends, Scorer scorer, int threads,
                       TrainingListener listener, boolean evaluateEachEpoch, Controls controls) {
        Gcl gcl = new Gcl(config).withBackend(backends).withListener(listener).withCheckpoints(controls.checkpoints())
                .withNanPolicy(controls.nanPolicy()).resumingFrom(controls.resumeFrom());
        boolean hasTest = !data.test().isEmpty();
        if (evaluateEachEpoch && hasTest) {
            gcl = gcl.withEpochEvaluation(m -> evaluate(data, m.withScorer(scorer, threads), ScoreSource.AUTO).rocAuc());
        }
        long t0 = System.nanoTime();
        GclModel model = gcl.fit(data.train());
        double seconds = (System.nanoTime() - t0) / 1e9;
        long segments = 0;
        for (var e : model.history()) segments += e.segments();
        FrameEvaluation.Result metrics = hasTest ? evaluate(data, model.withScorer(scorer, threads), ScoreSource.AUTO)
                : null;
        return new Outcome(model, metrics, seconds, seconds > 0 ? segments / seconds : 0);
    }

    /** Frame-level metrics of the model on the test split, scoring by source. */
    static FrameEvaluation.Result evaluate(Dataset data, GclModel model, ScoreSource source) {
        return data.evaluate(fm -> {
            float[] s = new float[fm.rows()];
            model.score(source, fm.data(), fm.rows(), s);
            dev.gcl.io.CrashPoint.reached("evaluated-video");
            return s;
        });
    }
}
