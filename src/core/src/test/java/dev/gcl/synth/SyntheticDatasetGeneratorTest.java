package dev.gcl.synth;

import dev.gcl.data.Dataset;
import dev.gcl.data.DatasetLoader;
import dev.gcl.data.TestVideo;
import dev.gcl.eval.FrameEvaluation;
import dev.gcl.io.FeatureMatrix;
import dev.gcl.io.NpyReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticDatasetGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void writesTheRealLayoutAndLoadsAsADataset() throws IOException {
        SyntheticConfig c = SyntheticConfig.small(7);
        SyntheticDatasetGenerator.Summary s = new SyntheticDatasetGenerator(c).write(dir);
        assertEquals(24, Files.readAllLines(dir.resolve("train.txt")).size());
        assertEquals(12, Files.readAllLines(dir.resolve("test.txt")).size());
        List<String> ann = Files.readAllLines(dir.resolve("test_annotation.txt"));
        assertEquals(12, ann.size());
        assertEquals(7, ann.get(0).split("\t").length, "UCF-Crime layout with the frame-count column");
        assertTrue(s.anomalousTestVideos() > 0 && s.anomalousTestVideos() < 12);

        Dataset d = DatasetLoader.load(dir.resolve("dataset.yaml"));
        assertEquals(s.trainSegments(), d.train().rows());
        assertEquals(32, d.train().dim());
        assertEquals(24, d.train().videos());
        assertTrue(d.train().hasVideoLabels());
        assertEquals(s.testFrames(), d.test().stream().mapToLong(TestVideo::frames).sum());
        assertEquals(s.anomalousTestFrames(), d.test().stream().mapToLong(v -> v.groundTruth().anomalousFrames()).sum());
        float min = Float.MAX_VALUE;
        for (int r = 0; r < d.train().rows(); r++) {
            for (int j = 0; j < d.train().dim(); j++) min = Math.min(min, d.train().get(r, j));
        }
        assertTrue(min >= 0f, "features are non-negative");

        // a perfect detector: the event segments above everything else
        FrameEvaluation perfect = new FrameEvaluation();
        for (TestVideo v : d.test()) {
            float[] score = new float[v.segments()];
            for (int t = 0; t < v.segments(); t++) score[t] = v.groundTruth().labels()[t * 16];
            perfect.addSegments(v.groundTruth(), score, d.mapping(), d.segmentFrames());
        }
        assertEquals(1.0, perfect.result().rocAuc(), 0.0);
        assertEquals(1.0, perfect.result().averagePrecision(), 0.0);

        // the events are visible but not trivially: distance to the mean training row sees them only partly
        float[] mean = new float[d.train().dim()];
        for (int r = 0; r < d.train().rows(); r++) for (int j = 0; j < mean.length; j++) mean[j] += d.train().get(r, j) / d.train().rows();
        double auc = d.evaluate(m -> distanceTo(mean, m)).rocAuc();
        System.out.printf("synthetic (small, seed 7): distance-to-mean frame AUC = %.4f%n", auc);
        assertTrue(auc > 0.55 && auc < 0.97, "AUC " + auc);
    }

    private static float[] distanceTo(float[] mean, FeatureMatrix m) {
        float[] s = new float[m.rows()];
        for (int t = 0; t < m.rows(); t++) {
            double d = 0;
            for (int j = 0; j < m.dim(); j++) d += Math.pow(m.data()[t * m.dim() + j] - mean[j], 2);
            s[t] = (float) Math.sqrt(d);
        }
        return s;
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        SyntheticConfig c = SyntheticConfig.small(3).withSize(3, 2, 8);
        new SyntheticDatasetGenerator(c).write(dir.resolve("a"));
        new SyntheticDatasetGenerator(c).write(dir.resolve("b"));
        new SyntheticDatasetGenerator(SyntheticConfig.small(4).withSize(3, 2, 8)).write(dir.resolve("c"));
        for (String f : List.of("features/train_00001.npy", "features/test_00002.npy", "test_annotation.txt")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(dir.resolve("a/features/train_00001.npy")),
                Files.readAllBytes(dir.resolve("c/features/train_00001.npy"))));
        assertEquals(2, NpyReader.header(dir.resolve("a/features/train_00001.npy")).shape().length);
    }

    @Test
    void ucfScalePresetMatchesUcfCrimeSizes() {
        SyntheticConfig c = SyntheticConfig.ucfCrimeScale(1);
        assertEquals(1610, c.trainVideos());
        assertEquals(290, c.testVideos());
        assertEquals(2048, c.dim());
        // mean length 500 segments: about 805K training segments
        assertEquals(805_000, c.trainVideos() * (c.minSegments() + c.maxSegments()) / 2);
    }
}
