package dev.gcl.eval;

/**
 * Frame-level ground truth of one test video: labels[f] = 1 when frame f (0-based) is anomalous. Its length is the
 * video's frame count.
 */
public record VideoGroundTruth(String name, byte[] labels) {
    public int frames() {
        return labels.length;
    }

    public int anomalousFrames() {
        int n = 0;
        for (byte b : labels) n += b;
        return n;
    }

    /** All frames normal. */
    public static VideoGroundTruth normal(String name, int frames) {
        return new VideoGroundTruth(name, new byte[frames]);
    }

    /**
     * The mask of {@code annotation} over {@code frames} frames under {@code convention}. An interval must start
     * inside the video and not end before it starts; an end past the last frame is clipped when it overshoots by
     * at most {@code endSlack} frames (the official UCF-Crime evaluator clips with {@code min(end, frames)}), and
     * is an error otherwise.
     */
    public static VideoGroundTruth fromIntervals(VideoAnnotation annotation, int frames, FrameConvention convention,
                                                 int endSlack, String source) {
        byte[] labels = new byte[frames];
        for (FrameInterval in : annotation.intervals()) {
            long first = convention.firstIndex(in.start());
            long end = convention.endIndex(in.end());
            String what = "video " + annotation.name() + ": interval " + in.start() + ".." + in.end() + " ("
                    + convention + ")";
            if (end <= first) throw new dev.gcl.io.DataFormatException(source, what + " is empty or reversed");
            if (first < 0 || first >= frames || end > frames + (long) endSlack) {
                throw new dev.gcl.io.DataFormatException(source, what + " lies outside the video's " + frames
                        + " frames" + (end > frames ? " (ends " + (end - frames) + " frames past the last; allowed "
                        + endSlack + ")" : ""));
            }
            for (long f = first, e = Math.min(end, frames); f < e; f++) labels[(int) f] = 1;
        }
        return new VideoGroundTruth(annotation.name(), labels);
    }
}
