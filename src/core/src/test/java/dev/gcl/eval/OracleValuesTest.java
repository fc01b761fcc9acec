package dev.gcl.eval;

import dev.gcl.testing.NaiveScores;
import dev.gcl.testing.TestData;
import dev.gcl.io.CropMode;
import dev.gcl.io.FeatureFiles;
import dev.gcl.io.FeatureFormat;
import dev.gcl.io.FeatureMatrix;
import dev.gcl.io.NpzTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Reproduces numbers computed outside this project (scikit-learn / numpy). */
class OracleValuesTest {
    static final Path UCF = TestData.UCF_CRIME;

    @Test
    void ucfCrimeC3dConsecutiveDistanceAuc() {
        Map<String, VideoAnnotation> ann = UcfCrimeAnnotations.read(UCF.resolve("Temporal_Anomaly_Annotation_with_frame_counts.txt"))
                .stream().collect(Collectors.toMap(VideoAnnotation::name, a -> a));
        Map<String, Integer> expectedFrames = new LinkedHashMap<>();
        expectedFrames.put("Explosion008_x264", 1748);
        expectedFrames.put("Explosion025_x264", 505);
        expectedFrames.put("Normal_Videos_006_x264", 450);
        expectedFrames.put("Normal_Videos_024_x264", 1076);
        expectedFrames.put("RoadAccidents002_x264", 347);
        expectedFrames.put("RoadAccidents022_x264", 716);
        expectedFrames.put("RoadAccidents123_x264", 1005);
        expectedFrames.put("Shooting008_x264", 1625);
        expectedFrames.put("Shooting033_x264", 3630);
        expectedFrames.put("Shoplifting028_x264", 1357);
        FrameEvaluation eval = new FrameEvaluation();
        for (var e : expectedFrames.entrySet()) {
            VideoAnnotation a = ann.get(e.getKey());
            assertEquals(e.getValue(), a.frameCount(), e.getKey());
            FeatureMatrix m = FeatureFiles.read(TestData.UCF_CRIME_C3D.resolve(e.getKey() + ".txt"), FeatureFormat.C3D_TEXT,
                    CropMode.AVERAGE);
            float[] score = NaiveScores.consecutiveDistance(m);
            VideoGroundTruth gt = VideoGroundTruth.fromIntervals(a, a.frameCount(), FrameConvention.ONE_BASED_INCLUSIVE,
                    UcfCrimeAnnotations.END_SLACK, "annotation");
            eval.addSegments(gt, score, SegmentMapping.UCF_CRIME_32, 16);
        }
        FrameEvaluation.Result r = eval.result();
        System.out.printf("UCF-Crime C3D consecutive-distance frame AUC = %.6f over %d frames, %d anomalous%n",
                r.rocAuc(), r.frames(), r.anomalousFrames());
        assertEquals(12_459, r.frames());
        assertEquals(1_478, r.anomalousFrames());
        // 0.769703 with 1-based inclusive frames (0-based inclusive would give 0.769742): 1e-5 tells them apart
        assertEquals(0.76970, r.rocAuc(), 1e-5);
        assertEquals(8, r.perVideoAuc().size());
    }

    @Test
    void cifar10RowNormAucAndAveragePrecision() {
        NpzTable t = NpzTable.read(TestData.ADBENCH.resolve("resnet18/CIFAR10_0.npz"));
        float[] score = new float[t.rows()];
        for (int i = 0; i < t.rows(); i++) {
            double s = 0;
            for (int j = 0; j < t.dim(); j++) s += (double) t.x()[i * t.dim() + j] * t.x()[i * t.dim() + j];
            score[i] = (float) Math.sqrt(s);
        }
        double auc = RocAuc.compute(score, t.y());
        double ap = AveragePrecision.compute(score, t.y());
        System.out.printf("CIFAR10_0 row-norm ROC AUC = %.6f, AP = %.6f%n", auc, ap);
        assertEquals(0.56352, auc, 1e-4);
        assertEquals(0.06764, ap, 1e-4);
    }

    @Test
    void aMillionFramesWithTiesEvaluate() {
        int n = 1_111_808;
        float[] s = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = (float) ((i * 2654435761L) % 1_000_003) / 1_000_003f;   // deterministic, with ties
            y[i] = (i % 7 == 0) ? 1 : 0;
        }
        RocAuc.compute(s, y);
        AveragePrecision.compute(s, y);   // warm up
        long t0 = System.nanoTime();
        double auc = RocAuc.compute(s, y);
        double ap = AveragePrecision.compute(s, y);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("1,111,808 frames: AUC + AP in %d ms%n", ms);
        assertEquals(0.5, auc, 0.01);
        assertEquals(1.0 / 7, ap, 0.01);
        // the time is printed, not asserted: speed belongs to benchmarks, and this machine may be shared
    }

    @Test
    void perVideoAucAndFalseAlarmRate() {
        FrameEvaluation e = new FrameEvaluation();
        e.add(new VideoGroundTruth("a", new byte[] {0, 1, 1, 0}), new float[] {0.1f, 0.9f, 0.8f, 0.85f});
        e.add(VideoGroundTruth.normal("n", 4), new float[] {0.1f, 0.6f, 0.2f, 0.7f});
        FrameEvaluation.Result r = e.result();
        assertEquals(List.of("a"), List.copyOf(r.perVideoAuc().keySet()));
        assertEquals(0.75, r.perVideoAuc().get("a"), 1e-12);
        assertEquals(0.5, e.falseAlarmRate(0.5f), 1e-12);
        assertEquals(0.0, e.falseAlarmRate(0.7f), 1e-12);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> e.add(VideoGroundTruth.normal("Normal_Videos_006_x264", 450), new float[448]));
        assertEquals("video Normal_Videos_006_x264: 448 frame scores, ground truth has 450 frames", x.getMessage());
    }
}
