package dev.gcl.cli;

import dev.gcl.Gcl;
import dev.gcl.backend.Backend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.ScoreSource;
import dev.gcl.data.Dataset;
import dev.gcl.data.TestVideo;
import dev.gcl.eval.FrameEvaluation;
import dev.gcl.model.GclModel;
import dev.gcl.model.ScoringArithmetic;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.progress.TrainingListener;
import dev.gcl.train.CheckpointPolicy;
import dev.gcl.train.NanPolicy;
import dev.gcl.train.TrainerState;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Trains one configuration on a dataset's training split and evaluates the model on its test split, saving nothing
 * ({@link TrainingRun} saves): what train and sweep share.
 */
final class TrainAndEvaluate {
    private TrainAndEvaluate() {}

    /** Checkpoints, NaN handling and resume state of one run (NONE: none of them). */
    record Controls(CheckpointPolicy checkpoints, NanPolicy nanPolicy, TrainerState resumeFrom) {
        static final Controls NONE = new Controls(CheckpointPolicy.NONE, NanPolicy.STOP, null);
    }

    /**
     * Segment scores of every test video (in the dataset's order) by a model's own score source, computed once:
     * the metrics and the pictures both read them.
     */
    record TestScores(List<float[]> segments) {}

    /**
     * metrics and scores are null when the dataset has no test split. seconds is the training alone (the per-epoch
     * test AUC excluded), evaluateSeconds all scoring of the test split (per epoch and final).
     */
    record Outcome(GclModel model, FrameEvaluation.Result metrics, TestScores scores, double seconds,
                   double segmentsPerSecond, double evaluateSeconds) {}

    /**
     * Trains and evaluates; the test split is scored with scorer (the reference's runs with the reference scorer,
     * so that everything they report is reference arithmetic). With a test AUC per epoch, the last epoch's scores
     * are those of the final model and are not computed again.
     */
    static Outcome run(Dataset data, GclConfig config, Supplier<Backend> backends, ScoringArithmetic scorer,
                       int threads, TrainingListener listener, boolean evaluateEachEpoch, Controls controls) {
        Gcl gcl = new Gcl(config).withBackend(backends).withListener(listener).withCheckpoints(controls.checkpoints())
                .withNanPolicy(controls.nanPolicy()).resumingFrom(controls.resumeFrom());
        boolean hasTest = !data.test().isEmpty();
        LastEpoch last = new LastEpoch();
        if (evaluateEachEpoch && hasTest) {
            gcl = gcl.withEpochEvaluation(m -> last.evaluate(data, m.withScorer(scorer, threads)));
        }
        long t0 = System.nanoTime();
        GclModel model = gcl.fit(data.train());
        double seconds = (System.nanoTime() - t0) / 1e9 - last.seconds;
        long segments = 0;
        for (var e : model.history()) segments += e.segments();
        FrameEvaluation.Result metrics = null;
        TestScores scores = null;
        double evaluateSeconds = last.seconds;
        if (hasTest) {
            long e0 = System.nanoTime();
            scores = last.scoresOf(model);
            if (scores == null) scores = score(data, model.withScorer(scorer, threads));
            metrics = data.evaluationOf(scores.segments()).result();
            evaluateSeconds += (System.nanoTime() - e0) / 1e9;
        }
        return new Outcome(model, metrics, scores, seconds, seconds > 0 ? segments / seconds : 0, evaluateSeconds);
    }

    /** The per-epoch evaluations: their time, and the last one's weights and scores. */
    private static final class LastEpoch {
        double seconds;
        NetworkWeights generator, discriminator;
        TestScores scores;

        double evaluate(Dataset data, GclModel m) {
            long t0 = System.nanoTime();
            scores = score(data, m);
            generator = m.generator();
            discriminator = m.discriminator();
            double auc = data.evaluationOf(scores.segments()).result().rocAuc();
            seconds += (System.nanoTime() - t0) / 1e9;
            return auc;
        }

        /** The last epoch's scores when model holds exactly the weights they were computed with, else null. */
        TestScores scoresOf(GclModel model) {
            if (scores == null || !generator.bitEquals(model.generator())) return null;
            if ((discriminator == null) != (model.discriminator() == null)) return null;
            if (discriminator != null && !discriminator.bitEquals(model.discriminator())) return null;
            return scores;
        }
    }

    /** Every test video's segment scores by the model's own score source. */
    static TestScores score(Dataset data, GclModel model) {
        List<float[]> out = new ArrayList<>(data.test().size());
        for (TestVideo v : data.test()) {
            float[] s = new float[v.segments()];
            model.score(ScoreSource.AUTO, v.features().data(), v.segments(), s);
            dev.gcl.io.CrashPoint.reached("evaluated-video");
            out.add(s);
        }
        return new TestScores(out);
    }
}
