package dev.gcl.eval;

import dev.gcl.io.DataFormatException;
import dev.gcl.io.VideoNames;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * XD-Violence test annotations: {@code name s1 e1 s2 e2 ...}, one line per anomalous video (videos not listed are
 * normal). Frame numbers are 0-based, end-exclusive ({@link FrameConvention#ZERO_BASED_EXCLUSIVE}), as the
 * dataset's own {@code make_gt.py} uses them. The file gives no frame counts.
 */
public final class XdViolenceAnnotations {
    private XdViolenceAnnotations() {}

    public static List<VideoAnnotation> read(Path file) {
        List<VideoAnnotation> out = new ArrayList<>();
        for (AnnotationLine line : AnnotationLine.read(file)) {
            String[] p = line.fields();
            String where = line.where();
            if (p.length < 3 || p.length % 2 == 0) {
                throw new DataFormatException(file, where + ": expected a name and start/end pairs, got "
                        + (p.length - 1) + " numbers");
            }
            List<FrameInterval> intervals = new ArrayList<>();
            for (int k = 1; k < p.length; k += 2) {
                long s = line.integer(k);
                long e = line.integer(k + 1);
                if (s < 0 || e < s) throw new DataFormatException(file, where + ": bad interval " + s + ".." + e);
                intervals.add(new FrameInterval(s, e));
            }
            out.add(new VideoAnnotation(VideoNames.canonical(p[0]), "", intervals, -1));
        }
        return out;
    }
}
