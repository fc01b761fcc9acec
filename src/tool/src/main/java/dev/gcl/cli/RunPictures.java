package dev.gcl.cli;

import dev.gcl.config.ScoreSource;
import dev.gcl.data.Dataset;
import dev.gcl.data.TestVideo;
import dev.gcl.eval.FrameExpansion;
import dev.gcl.model.GclModel;
import dev.gcl.progress.EpochStats;
import dev.gcl.report.Charts;
import dev.gcl.report.RocCurve;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pictures of a run on a dataset with a test split: ROC curve over all test frames, score timelines of a few
 * test videos with ground truth shaded (paper figure 8), histograms of D's score and of the reconstruction error
 * for normal vs anomalous test frames (figure 4), and the test AUC per epoch when it was measured (figure 7).
 */
final class RunPictures {
    /** Timelines drawn: the first anomalous test videos and the first normal one. */
    private static final int ANOMALOUS_TIMELINES = 3;

    private RunPictures() {}

    /**
     * Writes the PNGs into dir; returns their file names. scores are the run's own (its scorer, the model's score
     * source): the ROC, the timelines and that source's histogram are drawn from them; model (with the run's scorer)
     * scores the test split once more only for the other source's histogram.
     */
    static List<String> write(Path dir, Dataset data, GclModel model, TrainAndEvaluate.TestScores scores) {
        List<String> written = new ArrayList<>();
        FrameScores main = frameScores(data, scores.segments());
        Charts.roc(RocCurve.of(main.scores, main.labels), "ROC over " + main.labels.length + " test frames ("
                + model.variant().cliName() + ")", dir.resolve("roc.png"));
        written.add("roc.png");

        int anomalousDrawn = data.train().hasTimeAxis() ? 0 : ANOMALOUS_TIMELINES;  // no timelines without time
        boolean normalDrawn = !data.train().hasTimeAxis();
        int offset = 0;
        for (int v = 0; v < data.test().size(); v++) {
            TestVideo video = data.test().get(v);
            int frames = video.frames();
            boolean anomalous = video.groundTruth().anomalousFrames() > 0;
            if ((anomalous && anomalousDrawn < ANOMALOUS_TIMELINES) || (!anomalous && !normalDrawn)) {
                float[] s = java.util.Arrays.copyOfRange(main.scores, offset, offset + frames);
                int[] l = java.util.Arrays.copyOfRange(main.labels, offset, offset + frames);
                String file = "timeline-" + video.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
                Charts.timeline(video.name() + (anomalous ? "" : " (normal)"), s, l, dir.resolve(file));
                written.add(file);
                if (anomalous) anomalousDrawn++;
                else normalDrawn = true;
            }
            offset += frames;
        }

        histogram(dir, source(data, model, ScoreSource.RECONSTRUCTION, main), "histogram-reconstruction-error.png",
                "Reconstruction error of test frames", "mean squared reconstruction error", written);
        if (model.discriminator() != null) {
            histogram(dir, source(data, model, ScoreSource.DISCRIMINATOR, main), "histogram-discriminator.png",
                    "Discriminator score of test frames", "P(anomalous)", written);
        }

        List<Double> auc = new ArrayList<>();
        for (EpochStats e : model.history()) if (!Double.isNaN(e.testMetric())) auc.add(e.testMetric());
        if (!auc.isEmpty()) {
            Map<String, double[]> series = new LinkedHashMap<>();
            series.put(model.variant().cliName(), auc.stream().mapToDouble(Double::doubleValue).toArray());
            Charts.perEpoch("Test frame AUC per epoch", "ROC AUC", series, dir.resolve("test-auc-per-epoch.png"));
            written.add("test-auc-per-epoch.png");
        }
        return written;
    }

    /** The run's scores when source is the model's own, else the test split scored by source. */
    private static FrameScores source(Dataset data, GclModel model, ScoreSource source, FrameScores main) {
        if (source == model.scoreSource()) return main;
        List<float[]> segments = new ArrayList<>(data.test().size());
        for (TestVideo v : data.test()) {
            float[] seg = new float[v.segments()];
            model.score(source, v.features().data(), v.segments(), seg);
            segments.add(seg);
        }
        return frameScores(data, segments);
    }

    private static void histogram(Path dir, FrameScores fs, String file, String title, String axis,
                                  List<String> written) {
        int anomalous = 0;
        for (int l : fs.labels) anomalous += l;
        float[] a = new float[anomalous], n = new float[fs.labels.length - anomalous];
        int ia = 0, in = 0;
        for (int i = 0; i < fs.labels.length; i++) {
            if (fs.labels[i] == 1) a[ia++] = fs.scores[i];
            else n[in++] = fs.scores[i];
        }
        Charts.histograms(title, axis, "frames", n, a, dir.resolve(file));
        written.add(file);
    }

    private record FrameScores(float[] scores, int[] labels) {}

    /** Scores of every test frame (segment scores expanded by the dataset's mapping) and the frame labels. */
    private static FrameScores frameScores(Dataset data, List<float[]> segmentScores) {
        long total = 0;
        for (TestVideo v : data.test()) total += v.frames();
        float[] scores = new float[Math.toIntExact(total)];
        int[] labels = new int[scores.length];
        int p = 0;
        for (int i = 0; i < data.test().size(); i++) {
            TestVideo v = data.test().get(i);
            float[] frames = FrameExpansion.expand(data.mapping(), v.name(), segmentScores.get(i), data.segmentFrames(),
                    v.frames());
            byte[] gt = v.groundTruth().labels();
            for (int f = 0; f < frames.length; f++) {
                scores[p + f] = frames[f];
                labels[p + f] = gt[f];
            }
            p += frames.length;
        }
        return new FrameScores(scores, labels);
    }
}
