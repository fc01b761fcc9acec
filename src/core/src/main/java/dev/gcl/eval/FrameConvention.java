package dev.gcl.eval;

/**
 * How an annotation file numbers frames: whether the first frame is 0 or 1, and whether an interval's end frame
 * is part of it. Intervals are turned into 0-based half-open ranges [start, end) of frame indices.
 *
 * <p>Real files: UCF-Crime is 1-based and inclusive (Sultani et al.'s evaluator does {@code GT(st:en)=1} in MATLAB);
 * XD-Violence is 0-based and end-exclusive (its {@code make_gt.py} does {@code gt[s:e] = 1}).
 */
public record FrameConvention(boolean oneBased, boolean endInclusive) {
    public static final FrameConvention ONE_BASED_INCLUSIVE = new FrameConvention(true, true);
    public static final FrameConvention ZERO_BASED_INCLUSIVE = new FrameConvention(false, true);
    public static final FrameConvention ZERO_BASED_EXCLUSIVE = new FrameConvention(false, false);

    /** 0-based index of the first frame of an interval that starts at {@code start} as written. */
    public long firstIndex(long start) {
        return oneBased ? start - 1 : start;
    }

    /** 0-based index one past the last frame of an interval that ends at {@code end} as written. */
    public long endIndex(long end) {
        return (oneBased ? end - 1 : end) + (endInclusive ? 1 : 0);
    }

    @Override
    public String toString() {
        return (oneBased ? "1-based" : "0-based") + ", end " + (endInclusive ? "inclusive" : "exclusive");
    }
}
