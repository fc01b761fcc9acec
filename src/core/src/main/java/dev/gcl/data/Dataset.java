package dev.gcl.data;

import dev.gcl.eval.FrameEvaluation;
import dev.gcl.eval.SegmentMapping;
import dev.gcl.io.FeatureMatrix;

import java.util.List;
import java.util.function.Function;

/**
 * A loaded dataset: unlabelled training segments (videos with offsets, optional video labels) and test videos with
 * frame-level ground truth, plus how segment scores map to frames.
 *
 * @param notes things the loader did that a person should know (rows dropped, intervals clipped)
 */
public record Dataset(String name, TrainingData train, List<TestVideo> test, int segmentFrames,
                      SegmentMapping mapping, List<String> notes) {
    public Dataset {
        test = List.copyOf(test);
        notes = List.copyOf(notes);
    }

    /** Scores every test video with {@code segmentScorer} (one score per segment) and evaluates frame by frame. */
    public FrameEvaluation evaluation(Function<FeatureMatrix, float[]> segmentScorer) {
        FrameEvaluation e = new FrameEvaluation();
        for (TestVideo v : test) {
            float[] s = segmentScorer.apply(v.features());
            if (s.length != v.segments()) {
                throw new IllegalArgumentException("video " + v.name() + ": scorer gave " + s.length
                        + " scores for " + v.segments() + " segments");
            }
            e.addSegments(v.groundTruth(), s, mapping, segmentFrames);
        }
        return e;
    }

    /** Evaluates segment scores computed before: one array per test video, in {@link #test()}'s order. */
    public FrameEvaluation evaluationOf(List<float[]> segmentScores) {
        if (segmentScores.size() != test.size()) {
            throw new IllegalArgumentException(segmentScores.size() + " score arrays for " + test.size() + " test videos");
        }
        java.util.Iterator<float[]> next = segmentScores.iterator();
        return evaluation(fm -> next.next());
    }

    /** {@link #evaluation}'s metrics. */
    public FrameEvaluation.Result evaluate(Function<FeatureMatrix, float[]> segmentScorer) {
        return evaluation(segmentScorer).result();
    }
}
