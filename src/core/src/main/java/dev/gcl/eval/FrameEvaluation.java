package dev.gcl.eval;

import dev.gcl.io.InvalidInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frame-level evaluation over test videos: the frames of all videos are concatenated (in the order added) and
 * scored with the exact ROC AUC ({@link RocAuc}) and average precision ({@link AveragePrecision}); per-video AUC is
 * reported for anomalous videos; the false-alarm rate is the share of frames of normal videos (no anomalous frame)
 * whose score is above a threshold.
 *
 * <p>{@link #add} refuses scores whose length differs from the ground truth's, naming the video and both lengths.
 */
public final class FrameEvaluation {
    private final List<VideoGroundTruth> truths = new ArrayList<>();
    private final List<float[]> scores = new ArrayList<>();
    private long frames;

    /** Adds one video's frame scores. */
    public FrameEvaluation add(VideoGroundTruth truth, float[] frameScores) {
        if (frameScores.length != truth.frames()) {
            throw new IllegalArgumentException("video " + truth.name() + ": " + frameScores.length
                    + " frame scores, ground truth has " + truth.frames() + " frames");
        }
        if (frames + frameScores.length > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("more than 2^31 frames in one evaluation");
        }
        truths.add(truth);
        scores.add(frameScores);
        frames += frameScores.length;
        return this;
    }

    /** Adds one video's segment scores, expanded to frames by {@code mapping}. */
    public FrameEvaluation addSegments(VideoGroundTruth truth, float[] segmentScores, SegmentMapping mapping,
                                       int segmentFrames) {
        return add(truth, FrameExpansion.expand(mapping, truth.name(), segmentScores, segmentFrames, truth.frames()));
    }

    /** The metrics over everything added. */
    public Result result() {
        float[] all = new float[(int) frames];
        int[] labels = new int[(int) frames];
        int p = 0;
        Map<String, Double> perVideo = new LinkedHashMap<>();
        for (int v = 0; v < truths.size(); v++) {
            byte[] gt = truths.get(v).labels();
            float[] s = scores.get(v);
            int anomalous = 0;
            for (int f = 0; f < gt.length; f++) {
                all[p + f] = s[f];
                labels[p + f] = gt[f];
                anomalous += gt[f];
            }
            if (anomalous > 0) {
                // a video anomalous from start to end has no per-video AUC
                perVideo.put(truths.get(v).name(), anomalous == gt.length ? Double.NaN
                        : RocAuc.compute(s, java.util.Arrays.copyOfRange(labels, p, p + gt.length)));
            }
            p += gt.length;
        }
        long positives = 0;
        for (int l : labels) positives += l;
        return new Result(RocAuc.compute(all, labels), AveragePrecision.compute(all, labels), (int) frames,
                positives, truths.size(), perVideo);
    }

    /** Share of frames of normal videos scored above {@code threshold}; NaN when no normal video was added. */
    public double falseAlarmRate(float threshold) {
        long normalFrames = 0, alarms = 0;
        for (int v = 0; v < truths.size(); v++) {
            if (truths.get(v).anomalousFrames() > 0) continue;
            for (float s : scores.get(v)) if (s > threshold) alarms++;
            normalFrames += scores.get(v).length;
        }
        return normalFrames == 0 ? Double.NaN : (double) alarms / normalFrames;
    }

    /**
     * @param perVideoAuc frame AUC of each anomalous video (NaN for a video anomalous throughout), in order added
     */
    public record Result(double rocAuc, double averagePrecision, int frames, long anomalousFrames, int videos,
                         Map<String, Double> perVideoAuc) {
    }
}
