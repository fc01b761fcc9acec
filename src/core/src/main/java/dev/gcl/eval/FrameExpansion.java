package dev.gcl.eval;

import dev.gcl.io.InvalidInputException;

/**
 * Turns per-segment scores into per-frame scores. Both mappings check the video's frame count against what the
 * segments cover and fail with a message naming the video and both lengths, so that a mismatch between a feature
 * release and its ground truth cannot go unnoticed.
 */
public final class FrameExpansion {
    /** Frames per C3D/I3D clip in the official UCF-Crime mapping. */
    public static final int CLIP_FRAMES = 16;

    private FrameExpansion() {}

    /**
     * docs/algorithm.md: segment t's score goes to its S frames [t·S, (t+1)·S); frames past T·S get the last segment's
     * score; scores past the frame count are dropped. A frame count of (T−1)·S or less (a whole segment beyond the
     * video) is an error: those features cannot belong to this video.
     */
    public static float[] fixedLength(String video, float[] segmentScores, int segmentFrames, int frames) {
        int t = segmentScores.length;
        if (t == 0) throw new InvalidInputException("video " + video + ": no segment scores");
        if (segmentFrames < 1) throw new InvalidInputException("segment length " + segmentFrames);
        if (frames <= (long) (t - 1) * segmentFrames) {
            throw new InvalidInputException("video " + video + ": " + frames + " frames, but its " + t
                    + " segments of " + segmentFrames + " frames cover " + (long) t * segmentFrames
                    + " (a whole segment lies past the end)");
        }
        float[] out = new float[frames];
        for (int f = 0; f < frames; f++) out[f] = segmentScores[Math.min(f / segmentFrames, t - 1)];
        return out;
    }

    /**
     * Sultani et al.'s mapping for K (= 32) segments: n = floor(frames/16) clips; bounds b = round(linspace(1, n,
     * K+1)) rounding half to even as numpy and MATLAB's linspace grid give; segment i (1-based) covers clips
     * b_i..b_{i+1}−1, the last one b_K..b_{K+1}, a single clip b_i when the range is empty; clip c covers frames
     * (c−1)·16 .. c·16−1; later segments overwrite earlier ones; frames past n·16 take the last value.
     */
    public static float[] ucfCrime32(String video, float[] segmentScores, int frames) {
        int k = segmentScores.length;
        if (k == 0) throw new InvalidInputException("video " + video + ": no segment scores");
        int n = frames / CLIP_FRAMES;
        if (n < 1) {
            throw new InvalidInputException("video " + video + ": " + frames + " frames, fewer than one "
                    + CLIP_FRAMES + "-frame clip");
        }
        int[] b = bounds(n, k);
        float[] out = new float[frames];
        for (int i = 0; i < k; i++) {
            int first = b[i];
            int last = i == k - 1 ? b[k] : b[i + 1] - 1;
            if (last < first) last = first;
            for (int f = (first - 1) * CLIP_FRAMES, end = last * CLIP_FRAMES; f < end; f++) out[f] = segmentScores[i];
        }
        float tail = out[n * CLIP_FRAMES - 1];
        for (int f = n * CLIP_FRAMES; f < frames; f++) out[f] = tail;
        return out;
    }

    /** round(linspace(1, n, k+1)), 1-based clip numbers, numpy's grid (start + i·step, exact end) and rounding. */
    static int[] bounds(int n, int k) {
        int[] b = new int[k + 1];
        double step = (double) (n - 1) / k;
        for (int i = 0; i < k; i++) b[i] = (int) Math.rint(1 + i * step);
        b[k] = n;
        return b;
    }

    /** The frame scores of one video under {@code mapping}. */
    public static float[] expand(SegmentMapping mapping, String video, float[] segmentScores, int segmentFrames,
                                 int frames) {
        return mapping == SegmentMapping.UCF_CRIME_32 ? ucfCrime32(video, segmentScores, frames)
                : fixedLength(video, segmentScores, segmentFrames, frames);
    }
}
