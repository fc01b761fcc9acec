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
        Path file = FILES.write("ucf.txt", bytes);
        List<VideoAnnotation> rows;
        try {
            rows = UcfCrimeAnnotations.read(file);
        } catch (DataFormatException expected) {
            return;
        }
        masks(rows, FrameConvention.ONE_BASED_INCLUSIVE, UcfCrimeAnnotations.END_SLACK, file);
    }

    @FuzzTest(maxDuration = "2m")
    void xdViolence(byte[] bytes) {
        Path file = FILES.write("xd.txt", bytes);
        List<VideoAnnotation> rows;
        try {
            rows = XdViolenceAnnotations.read(file);
        } catch (DataFormatException expected) {
            return;
        }
        masks(rows, FrameConvention.ZERO_BASED_EXCLUSIVE, 0, file);
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
