package dev.gcl.eval;

import dev.gcl.testing.TestData;
import dev.gcl.io.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class GroundTruthReadersTest {
    static final Path UCF = TestData.UCF_CRIME;
    static final Path SH = TestData.SHANGHAITECH;

    @TempDir
    Path dir;

    @Test
    void allUcfCrimeRowsParseWithFrameCounts() {
        List<VideoAnnotation> rows = UcfCrimeAnnotations.read(UCF.resolve("Temporal_Anomaly_Annotation_with_frame_counts.txt"));
        assertEquals(290, rows.size());
        assertEquals(140, rows.stream().filter(VideoAnnotation::anomalous).count());
        assertEquals(1_111_808L, rows.stream().mapToLong(VideoAnnotation::frameCount).sum());
        assertEquals("Abuse028_x264", rows.get(0).name());
        assertEquals(List.of(new FrameInterval(165, 240)), rows.get(0).intervals());
        long frames = 0, anomalousFrames = 0;
        for (VideoAnnotation a : rows) {
            VideoGroundTruth gt = VideoGroundTruth.fromIntervals(a, a.frameCount(), FrameConvention.ONE_BASED_INCLUSIVE,
                    UcfCrimeAnnotations.END_SLACK, "ann");
            frames += gt.frames();
            anomalousFrames += gt.anomalousFrames();
        }
        assertEquals(1_111_808L, frames);
        assertTrue(anomalousFrames > 0 && anomalousFrames < frames);
    }

    @Test
    void sixColumnFileWithFrameCountTableGivesTheSameGroundTruth() {
        List<VideoAnnotation> six = UcfCrimeAnnotations.read(UCF.resolve("Temporal_Anomaly_Annotation_for_Testing_Videos.txt"));
        List<VideoAnnotation> seven = UcfCrimeAnnotations.read(UCF.resolve("Temporal_Anomaly_Annotation_with_frame_counts.txt"));
        FrameCountTable table = FrameCountTable.ucfCrime(UCF.resolve("video_frame_counts.csv"));
        assertEquals(1950 - 50, table.size());   // 1950 rows; 50 normal videos are listed twice
        assertEquals(290, six.size());
        for (int i = 0; i < six.size(); i++) {
            assertEquals(-1, six.get(i).frameCount());
            int frames = table.require(six.get(i).name());
            assertEquals(seven.get(i).frameCount(), frames, six.get(i).name());
            assertArrayEquals(
                    VideoGroundTruth.fromIntervals(seven.get(i), frames, FrameConvention.ONE_BASED_INCLUSIVE, 2, "a").labels(),
                    VideoGroundTruth.fromIntervals(six.get(i), frames, FrameConvention.ONE_BASED_INCLUSIVE, 2, "b").labels());
        }
    }

    @Test
    void anIntervalOutsideItsVideoIsRefused() throws IOException {
        Path f = Files.writeString(dir.resolve("ann.txt"), "Bad001_x264.mp4  Abuse  90  140  -1  -1  100\n");
        VideoAnnotation a = UcfCrimeAnnotations.read(f).get(0);
        DataFormatException e = assertThrows(DataFormatException.class, () -> VideoGroundTruth.fromIntervals(a, 100,
                FrameConvention.ONE_BASED_INCLUSIVE, UcfCrimeAnnotations.END_SLACK, f.toString()));
        assertTrue(e.getMessage().startsWith(f + ": video Bad001_x264: interval 90..140"), e.getMessage());
        assertTrue(e.getMessage().contains("outside the video's 100 frames"), e.getMessage());
        // the real file's 1-2 frame overshoot is clipped only within the slack
        VideoAnnotation arson = new VideoAnnotation("Arson011_x264", "Arson",
                List.of(new FrameInterval(680, 1267)), 1266);
        assertEquals(1266 - 679, VideoGroundTruth.fromIntervals(arson, 1266, FrameConvention.ONE_BASED_INCLUSIVE, 2, "x")
                .anomalousFrames());
        assertThrows(DataFormatException.class,
                () -> VideoGroundTruth.fromIntervals(arson, 1266, FrameConvention.ONE_BASED_INCLUSIVE, 0, "x"));
        // a start before frame 1 in 1-based numbering
        VideoAnnotation zero = new VideoAnnotation("z", "", List.of(new FrameInterval(0, 5)), -1);
        assertThrows(DataFormatException.class,
                () -> VideoGroundTruth.fromIntervals(zero, 10, FrameConvention.ONE_BASED_INCLUSIVE, 0, "x"));
        assertEquals(5, VideoGroundTruth.fromIntervals(zero, 10, FrameConvention.ZERO_BASED_EXCLUSIVE, 0, "x")
                .anomalousFrames());
    }

    @Test
    void malformedAnnotationLineNamesFileAndLine() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.txt"), "a.mp4 Abuse 1 2 -1 -1\nb.mp4 Abuse x 2 -1 -1\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> UcfCrimeAnnotations.read(f));
        assertEquals(f + ": line 2: 'x' is not an integer", e.getMessage());
    }

    @Test
    void shanghaiTechMasksAndListsParse() throws IOException {
        FrameCountTable counts = FrameCountTable.shanghaiTech(SH.resolve("video_frame_counts.csv"));
        assertEquals(437, counts.size());
        assertEquals(764, counts.require("01_001"));   // 0_1_1
        assertEquals(265, counts.require("01_0014"));  // 1_1_14
        List<String> train = Files.readAllLines(SH.resolve("SH_Train.txt")).stream().map(String::strip).toList();
        List<String> test = Files.readAllLines(SH.resolve("SH_Test.txt")).stream().map(String::strip).toList();
        assertEquals(238, train.size());
        assertEquals(199, test.size());
        for (String t : train) assertTrue(counts.frames(t).isPresent(), t);
        long frames = 0, anomalousFrames = 0, anomalousVideos = 0;
        for (String t : test) {
            VideoGroundTruth gt = ShanghaiTechMasks.read(SH.resolve("test_frame_mask"), t, counts);
            frames += gt.frames();
            anomalousFrames += gt.anomalousFrames();
            if (gt.anomalousFrames() > 0) anomalousVideos++;
        }
        // numbers from numpy over the same files
        assertEquals(141_869, frames);
        assertEquals(44, anomalousVideos);
        assertEquals(7_962, anomalousFrames);
        try (var masks = Files.list(SH.resolve("test_frame_mask"))) {
            assertEquals(107, masks.peek(m -> {
                String name = m.getFileName().toString().replace(".npy", "");
                assertEquals(counts.require(name), ShanghaiTechMasks.read(SH.resolve("test_frame_mask"), name, counts).frames());
            }).count());
        }
    }

    @Test
    void maskLengthDisagreeingWithTableIsRefused() throws IOException {
        Path table = Files.writeString(dir.resolve("fc.csv"), "01_0014,300\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> ShanghaiTechMasks.read(
                SH.resolve("test_frame_mask"), "01_0014", FrameCountTable.simple(table)));
        assertTrue(e.getMessage().contains("01_0014: mask has 265 frames") && e.getMessage().contains("says 300"),
                e.getMessage());
    }

    @Test
    void xdViolenceLinesParse() {
        List<VideoAnnotation> rows = XdViolenceAnnotations.read(TestData.XD_VIOLENCE.resolve("test_annotations.txt"));
        assertEquals(500, rows.size());
        assertEquals(1238, rows.stream().mapToInt(a -> a.intervals().size()).sum());
        assertEquals("v=S-7rRLrxnVQ__#1_label_B4-0-0", rows.get(0).name());
        assertEquals(List.of(new FrameInterval(0, 1517), new FrameInterval(1970, 3038)), rows.get(0).intervals());
        VideoGroundTruth gt = VideoGroundTruth.fromIntervals(rows.get(0), 3100, FrameConvention.ZERO_BASED_EXCLUSIVE, 0, "xd");
        assertEquals(1517 + 1068, gt.anomalousFrames());
        assertEquals(1, gt.labels()[0]);
        assertEquals(0, gt.labels()[1517]);
    }
}
