package dev.gcl.data;

import dev.gcl.eval.VideoGroundTruth;
import dev.gcl.io.FeatureMatrix;

/** One test video: its segment features (crops averaged) and its frame-level ground truth. */
public record TestVideo(String name, FeatureMatrix features, VideoGroundTruth groundTruth) {
    public int segments() {
        return features.rows();
    }

    public int frames() {
        return groundTruth.frames();
    }
}
