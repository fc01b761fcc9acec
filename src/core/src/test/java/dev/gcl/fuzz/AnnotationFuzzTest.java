package dev.gcl.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gcl.eval.FrameConvention;
import dev.gcl.eval.FrameCountTable;
import dev.gcl.eval.UcfCrimeAnnotations;
import dev.gcl.eval.VideoAnnotation;
import dev.gcl.eval.VideoGroundTruth;
import dev.gcl.eval.XdViolenceAnnotations;
import dev.gcl.io.DataFormatException;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ground-truth text readers: UCF-Crime and XD-Violence annotations (each parsed annotation is also turned into
 * a frame mask, as the loader does) and the three frame-count table layouts.
 */
class AnnotationFuzzTest {
    private static final FuzzFiles FILES = new FuzzFiles("annotations");
    /** The mask length when an annotation gives none; masks of up to this many frames are built. */
    private static final int FRAMES = 4096;

    @FuzzTest(maxDuration = "2m")
    void ucfCrime(byte[] bytes) {
        readAndMask(FILES.write("ucf.txt", bytes), UcfCrimeAnnotations::read, FrameConvention.ONE_BASED_INCLUSIVE,
                UcfCrimeAnnotations.END_SLACK);
    }

    @FuzzTest(maxDuration = "2m")
    void xdViolence(byte[] bytes) {
        readAndMask(FILES.write("xd.txt", bytes), XdViolenceAnnotations::read, FrameConvention.ZERO_BASED_EXCLUSIVE, 0);
    }

    @FuzzTest(maxDuration = "2m")
    void frameCounts(byte[] bytes) {
        Path file = FILES.write("counts.csv", bytes);
        for (int layout = 0; layout < 3; layout++) {
            try {
                switch (layout) {
                    case 0 -> FrameCountTable.ucfCrime(file);
                    case 1 -> FrameCountTable.shanghaiTech(file);
                    default -> FrameCountTable.simple(file);
                }
            } catch (DataFormatException expected) {
                // not this layout
            }
        }
    }

    /** Reads file with reader; what it accepts must give masks (or say which interval lies outside the video). */
    private static void readAndMask(Path file, Function<Path, List<VideoAnnotation>> reader,
                                    FrameConvention convention, int slack) {
        List<VideoAnnotation> rows;
        try {
            rows = reader.apply(file);
        } catch (DataFormatException expected) {
            return;
        }
        masks(rows, convention, slack, file);
    }

    private static void masks(List<VideoAnnotation> rows, FrameConvention convention, int slack, Path file) {
        for (VideoAnnotation a : rows) {
            int frames = a.frameCount() > 0 ? Math.min(a.frameCount(), FRAMES) : FRAMES;
            try {
                VideoGroundTruth gt = VideoGroundTruth.fromIntervals(a, frames, convention, slack, file.toString());
                assertEquals(frames, gt.frames());
            } catch (DataFormatException expected) {
                // an interval outside the video
            }
        }
    }
}
