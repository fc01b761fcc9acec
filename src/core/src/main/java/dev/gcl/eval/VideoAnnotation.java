package dev.gcl.eval;

import java.util.List;

/**
 * The temporal annotation of one test video.
 *
 * @param name       video name without extension (e.g. {@code Abuse028_x264})
 * @param eventClass the anomaly class ({@code Normal} for normal UCF-Crime videos), or "" when the file has none
 * @param intervals  anomalous intervals as written; empty for a normal video
 * @param frameCount the frame count the annotation file gives, or -1 when it gives none
 */
public record VideoAnnotation(String name, String eventClass, List<FrameInterval> intervals, int frameCount) {
    public VideoAnnotation {
        intervals = List.copyOf(intervals);
    }

    public boolean anomalous() {
        return !intervals.isEmpty();
    }
}
