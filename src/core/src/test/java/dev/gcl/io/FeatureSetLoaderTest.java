package dev.gcl.io;

import dev.gcl.testing.TestData;
import dev.gcl.testing.NpyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gcl.io.NpyReaderTest.assertOneLineNaming;
import static org.junit.jupiter.api.Assertions.*;

class FeatureSetLoaderTest {
    static final Path C3D = TestData.UCF_CRIME_C3D;

    @TempDir
    Path dir;

    @Test
    void readsTheOfficialC3dTextRelease() throws IOException {
        FeatureMatrix m = FeatureFiles.read(C3D.resolve("Explosion008_x264.txt"), FeatureFormat.C3D_TEXT, CropMode.AVERAGE);
        assertEquals(32, m.rows());
        assertEquals(4096, m.dim());
        assertEquals(0.004290f, m.data()[0]);
        assertEquals(0.010251f, m.data()[2]);
        double norm = 0;
        for (float v : m.row(5)) norm += v * v;
        assertEquals(1.0, Math.sqrt(norm), 1e-5, "rows of the release are L2-normalised");
        try (var files = Files.list(C3D)) {
            List<FeatureSetLoader.VideoFile> all = files.sorted()
                    .map(p -> new FeatureSetLoader.VideoFile(p.getFileName().toString().replace(".txt", ""), p)).toList();
            FeatureSet set = FeatureSetLoader.load(all, FeatureFormat.C3D_TEXT, CropMode.AVERAGE, NonFinitePolicy.FAIL);
            assertEquals(10, set.videos());
            assertEquals(320, set.rows());
            assertEquals(320 * 4096, set.x().length);
            assertEquals(0.004290f, set.x()[0]);
        }
    }

    @Test
    void oneArrayWithVideoOffsets() throws IOException {
        Path a = NpyFixtures.float32(dir.resolve("a.npy"), 2, 2, new float[] {1, 2, 3, 4});
        Path b = NpyFixtures.float32(dir.resolve("b.npy"), 3, 2, new float[] {5, 6, 7, 8, 9, 10});
        FeatureSet s = FeatureSetLoader.load(List.of(new FeatureSetLoader.VideoFile("a", a),
                new FeatureSetLoader.VideoFile("b", b)), FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.FAIL);
        assertArrayEquals(new int[] {0, 2, 5}, s.offsets());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, s.x());
        assertEquals(List.of("a", "b"), s.names());
    }

    @Test
    void differingDimensionIsRefused() throws IOException {
        Path a = NpyFixtures.float32(dir.resolve("a.npy"), 1, 2, new float[] {1, 2});
        Path b = NpyFixtures.float32(dir.resolve("b.npy"), 1, 3, new float[] {1, 2, 3});
        DataFormatException e = assertThrows(DataFormatException.class, () -> FeatureSetLoader.load(List.of(
                new FeatureSetLoader.VideoFile("a", a), new FeatureSetLoader.VideoFile("b", b)),
                FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.FAIL));
        assertOneLineNaming(e, b, "has D = 3, but a.npy has D = 2");
    }

    @Test
    void nonFiniteValuesFailWithCountAndFirstPosition() throws IOException {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        Path a = NpyFixtures.float32(dir.resolve("nan.npy"), 4, 2, new float[] {1, 2, 3, nan, 5, 6, inf, nan});
        List<FeatureSetLoader.VideoFile> videos = List.of(new FeatureSetLoader.VideoFile("nan", a));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> FeatureSetLoader.load(videos, FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.FAIL));
        assertOneLineNaming(e, a, "3 NaN or infinite values, the first at row 1, column 1");
        FeatureSet s = FeatureSetLoader.load(videos, FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.DROP_ROWS);
        assertEquals(2, s.droppedRows());
        assertArrayEquals(new float[] {1, 2, 5, 6}, s.x());
        assertArrayEquals(new int[] {0, 2}, s.offsets());
    }

    @Test
    void missingFeatureFileIsNamed() {
        Path missing = dir.resolve("gone.npy");
        DataFormatException e = assertThrows(DataFormatException.class, () -> FeatureSetLoader.load(
                List.of(new FeatureSetLoader.VideoFile("gone", missing)), FeatureFormat.NPY, CropMode.AVERAGE,
                NonFinitePolicy.FAIL));
        assertOneLineNaming(e, missing, "no such feature file");
    }

    @Test
    void raggedTextIsRefused() throws IOException {
        Path f = Files.writeString(dir.resolve("r.txt"), "1 2 3\n4 5\n");
        assertOneLineNaming(assertThrows(DataFormatException.class,
                () -> FeatureFiles.shape(f, FeatureFormat.C3D_TEXT)), f, "line 2 has 2 values, line 1 has 3");
    }
}
