package dev.gcl.data;

import dev.gcl.testing.TestData;
import dev.gcl.eval.FrameEvaluation;
import dev.gcl.eval.SegmentMapping;
import dev.gcl.io.DataFormatException;
import dev.gcl.testing.NaiveScores;
import dev.gcl.testing.NpyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DatasetLoaderTest {
    static final Path UCF = TestData.UCF_CRIME;

    @TempDir
    Path dir;

    private Path ucfSpec(String extra) throws IOException {
        // list entries as other releases write them: Windows paths, class folders, extensions
        Files.writeString(dir.resolve("train.txt"), """
                C:\\UCF\\Explosion\\Explosion008_x264.mp4
                Normal_Videos_006_x264
                /data/ucf/RoadAccidents002_x264_c3d.txt
                """);
        try (var s = Files.list(TestData.UCF_CRIME_C3D)) {
            Files.write(dir.resolve("test.txt"), s.map(p -> "Testing/" + p.getFileName().toString().replace(".txt", ".mp4"))
                    .sorted().toList());
        }
        return Files.writeString(dir.resolve("ucf.yaml"), """
                features:
                  dir: %s
                  format: c3d-text
                train:
                  list: train.txt
                test:
                  list: test.txt
                segment_mapping: ucf-crime-32
                ground_truth:
                  format: ucf-crime
                  file: %s
                """.formatted(TestData.UCF_CRIME_C3D, UCF.resolve("Temporal_Anomaly_Annotation_with_frame_counts.txt")) + extra);
    }

    @Test
    void ucfCrimeDescriptionReproducesTheOracleAuc() throws IOException {
        Dataset d = DatasetLoader.load(ucfSpec(""));
        assertEquals(3, d.train().videos());
        assertEquals(96, d.train().rows());
        assertEquals(4096, d.train().dim());
        assertTrue(d.train().hasTimeAxis());
        assertEquals(10, d.test().size());
        assertEquals(SegmentMapping.UCF_CRIME_32, d.mapping());
        assertEquals(12_459, d.test().stream().mapToInt(TestVideo::frames).sum());
        FrameEvaluation.Result r = d.evaluate(NaiveScores::consecutiveDistance);
        assertEquals(0.76970, r.rocAuc(), 1e-5);
        assertEquals(1_478, r.anomalousFrames());
    }

    @Test
    void sixColumnAnnotationWithFrameCountTable() throws IOException {
        Path spec = ucfSpec("");
        String text = Files.readString(spec).replace("Temporal_Anomaly_Annotation_with_frame_counts.txt",
                "Temporal_Anomaly_Annotation_for_Testing_Videos.txt")
                + "  frame_counts: {file: " + UCF.resolve("video_frame_counts.csv") + ", layout: ucf-crime}\n";
        Dataset d = DatasetLoader.load(Files.writeString(spec, text));
        assertEquals(0.76970, d.evaluate(NaiveScores::consecutiveDistance).rocAuc(), 1e-5);
        // without any frame count source the loader says what is missing
        Path bare = Files.writeString(dir.resolve("bare.yaml"), Files.readString(spec).replaceAll("  frame_counts.*\n", ""));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(bare));
        assertTrue(e.getMessage().contains("no frame count for Explosion008_x264"), e.getMessage());
    }

    @Test
    void trainingLabelsAttachByName() throws IOException {
        Files.writeString(dir.resolve("labels.txt"), "Explosion008_x264 1\nNormal_Videos_006_x264.mp4 0\nRoadAccidents002_x264,1\n");
        Path spec = ucfSpec("");
        Files.writeString(spec, Files.readString(spec).replace("  list: train.txt", "  list: train.txt\n  labels: labels.txt"));
        Dataset d = DatasetLoader.load(spec);
        assertEquals(1, d.train().videoLabel(0));
        assertEquals(0, d.train().videoLabel(1));
        assertEquals(1, d.train().videoLabel(2));
    }

    @Test
    void unknownKeyNamesFileAndKey() throws IOException {
        Path spec = ucfSpec("");
        Files.writeString(spec, Files.readString(spec).replace("  format: c3d-text", "  format: c3d-text\n  dri: x"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(spec));
        assertTrue(e.getMessage().startsWith(spec + ": unknown key 'features.dri'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void wrongTypeOrValueNamesTheKey() throws IOException {
        Path spec = ucfSpec("segment_frames: sixteen\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(spec));
        assertTrue(e.getMessage().startsWith(spec + ": key 'segment_frames':"), e.getMessage());
        Path bad = ucfSpec("");
        Files.writeString(bad, Files.readString(bad).replace("format: c3d-text", "format: hdf5"));
        e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(bad));
        assertTrue(e.getMessage().startsWith(bad + ": key 'features.format':"), e.getMessage());
        assertTrue(e.getMessage().contains("hdf5"), e.getMessage());
        Path json = Files.writeString(dir.resolve("d.json"), "{\"features\": {\"dir\": 3, \"format\": \"npy\"}, \"train\": []}");
        e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(json));
        assertTrue(e.getMessage().startsWith(json + ": key 'features.dir': Cannot coerce Integer"),
                e.getMessage());
    }

    @Test
    void missingKeyIsNamed() throws IOException {
        Path spec = Files.writeString(dir.resolve("m.yaml"), "features:\n  format: npy\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(spec));
        assertEquals(spec + ": missing key 'features.dir'", e.getMessage());
    }

    @Test
    void listedVideoWithoutFeatureFileIsNamed() throws IOException {
        Path spec = ucfSpec("");
        Files.writeString(dir.resolve("train.txt"), "Explosion008_x264\nArson999_x264.mp4\nNowhere_x264\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(spec));
        assertTrue(e.getMessage().startsWith(dir.resolve("train.txt") + ": 2 of 3 listed videos have no feature file"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("Arson999_x264, Nowhere_x264"), e.getMessage());
    }

    @Test
    void frameCountSmallerThanTheFeaturesCoverIsRefused() throws IOException {
        Path feats = Files.createDirectories(dir.resolve("f"));
        NpyFixtures.float32(feats.resolve("a_i3d.npy"), 4, 2, new float[8]);
        NpyFixtures.float32(feats.resolve("b_i3d.npy"), 4, 2, new float[8]);
        Files.writeString(dir.resolve("tr.txt"), "a\n");
        Files.writeString(dir.resolve("te.txt"), "b\n");
        Files.writeString(dir.resolve("fc.csv"), "b,48\n");         // 4 segments of 16 need more than 48 frames
        Files.writeString(dir.resolve("xd.txt"), "b 0 10\n");
        Path spec = Files.writeString(dir.resolve("s.yaml"), """
                features: {dir: f, format: npy}
                train: {list: tr.txt}
                test: {list: te.txt}
                ground_truth: {format: xd-violence, file: xd.txt, frame_counts: {file: fc.csv, layout: simple}}
                """);
        DataFormatException e = assertThrows(DataFormatException.class, () -> DatasetLoader.load(spec));
        assertTrue(e.getMessage().contains("video b has 48 frames, fewer than its 4 segments of 16 frames cover (64)"),
                e.getMessage());
        Files.writeString(dir.resolve("fc.csv"), "b,49\n");
        Dataset d = DatasetLoader.load(spec);
        assertEquals(49, d.test().get(0).frames());
        assertEquals(10, d.test().get(0).groundTruth().anomalousFrames());   // xd-violence: 0-based, end exclusive
    }

    @Test
    void npzAloneIsADataset() {
        Dataset d = DatasetLoader.load(TestData.ADBENCH.resolve("resnet18/CIFAR10_0.npz"));
        assertEquals(5263, d.train().rows());
        assertFalse(d.train().hasTimeAxis());
        assertTrue(d.train().hasVideoLabels());
        assertEquals(1, d.test().size());
        assertEquals(5263, d.test().get(0).frames());
        FrameEvaluation.Result r = d.evaluate(m -> {
            float[] s = new float[m.rows()];
            for (int i = 0; i < m.rows(); i++) {
                double n = 0;
                for (int j = 0; j < m.dim(); j++) n += (double) m.data()[i * m.dim() + j] * m.data()[i * m.dim() + j];
                s[i] = (float) Math.sqrt(n);
            }
            return s;
        });
        assertEquals(0.56352, r.rocAuc(), 1e-4);
        assertEquals(0.06764, r.averagePrecision(), 1e-4);
    }

    @Test
    void npzThroughADescription() throws IOException {
        Path spec = Files.writeString(dir.resolve("n.json"), "{\"npz\": \""
                + TestData.ADBENCH.resolve("classical/38_thyroid.npz") + "\"}");
        Dataset d = DatasetLoader.load(spec);
        assertEquals(3772, d.train().rows());
        assertEquals(6, d.train().dim());
    }
}
