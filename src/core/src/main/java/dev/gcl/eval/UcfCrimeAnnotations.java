package dev.gcl.eval;

import dev.gcl.io.DataFormatException;
import dev.gcl.io.VideoNames;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The UCF-Crime temporal annotation: one line per test video, whitespace (spaces or tabs) separated,
 * {@code name class start1 end1 start2 end2}, -1 for "no interval", optionally a 7th column with the frame count.
 * Frame numbers are 1-based and inclusive ({@link FrameConvention#ONE_BASED_INCLUSIVE}) as in the official MATLAB
 * evaluator; 5 of the 140 anomalous videos have an end 1-2 frames past the frame count, which that evaluator
 * clips, hence {@link #END_SLACK}.
 */
public final class UcfCrimeAnnotations {
    /** Frames an interval may end past the video and be clipped, as the official file needs. */
    public static final int END_SLACK = 2;

    private UcfCrimeAnnotations() {}

    public static List<VideoAnnotation> read(Path file) {
        List<VideoAnnotation> out = new ArrayList<>();
        for (AnnotationLine line : AnnotationLine.read(file)) {
            String[] p = line.fields();
            String where = line.where();
            if (p.length != 6 && p.length != 7) {
                throw new DataFormatException(file, where + ": expected 6 or 7 columns (name class s1 e1 s2 e2"
                        + " [frames]), got " + p.length);
            }
            long[] v = new long[p.length - 2];
            for (int k = 0; k < v.length; k++) v[k] = line.integer(k + 2);
            List<FrameInterval> intervals = new ArrayList<>();
            for (int k = 0; k < 4; k += 2) {
                if (v[k] == -1 && v[k + 1] == -1) continue;
                if (v[k] < 0 || v[k + 1] < 0) {
                    throw new DataFormatException(file, where + ": interval " + v[k] + ".." + v[k + 1]
                            + " has one end -1 and the other not");
                }
                intervals.add(new FrameInterval(v[k], v[k + 1]));
            }
            // checked before the cast: 2^32 + 16 must not become 16
            if (p.length == 7 && (v[4] <= 0 || v[4] > Integer.MAX_VALUE)) {
                throw new DataFormatException(file, where + ": frame count " + v[4]);
            }
            int frames = p.length == 7 ? (int) v[4] : -1;
            out.add(new VideoAnnotation(VideoNames.canonical(p[0]), p[1], intervals, frames));
        }
        return out;
    }
}
