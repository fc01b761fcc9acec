package dev.gcl.eval;

/** One annotated anomalous interval, with frame numbers exactly as the file writes them. */
public record FrameInterval(long start, long end) {
}
