package dev.gcl.eval;

/** How a video's segment scores map onto its frames; see {@link FrameExpansion}. */
public enum SegmentMapping {
    /** Segment t covers frames [t·S, (t+1)·S) (docs/algorithm.md "Data"). */
    FIXED_LENGTH,
    /**
     * The official UCF-Crime evaluator of Sultani et al.: a fixed number of segments (32) spread over the video's
     * 16-frame clips.
     */
    UCF_CRIME_32
}
