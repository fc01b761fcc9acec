package dev.gcl.io;

import dev.gcl.testing.NpyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MappedFeatureRowsTest {
    @TempDir
    Path dir;

    private static float[] counting(int n, float base) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = base + i;
        return v;
    }

    private static Path crops(Path file, long[] shape, float[] values) throws IOException {
        return NpyFixtures.write(file, NpyFixtures.npy("<f4", false, shape, values.length * 4,
                java.nio.ByteOrder.LITTLE_ENDIAN, b -> { for (float v : values) b.putFloat(v); }));
    }

    @Test
    void rowsOfSeveralFilesAndChunksReadAsOneMatrix() throws IOException {
        // 5 rows of D 3 and 4 rows of D 3; chunks of 2 rows (24 bytes) make rows straddle every boundary kind
        Path a = NpyFixtures.float32(dir.resolve("a.npy"), 5, 3, counting(15, 0));
        Path b = NpyFixtures.float32(dir.resolve("b.npy"), 4, 3, counting(12, 100));
        long offset = NpyReader.header(a).dataOffset();
        MappedFeatureRows m = new MappedFeatureRows.Builder(3, 24).add(a, offset, 5)
                .add(b, NpyReader.header(b).dataOffset(), 4).build();
        assertEquals(9, m.rows());
        assertEquals(3 + 2, m.chunkCount());
        float[] row = new float[3];
        for (int r = 0; r < 9; r++) {
            m.copyRow(r, row, 0);
            float first = r < 5 ? 3 * r : 100 + 3 * (r - 5);
            assertArrayEquals(new float[] {first, first + 1, first + 2}, row, "row " + r);
            assertEquals(first + 2, m.get(r, 2));
        }
        FloatBuffer direct = java.nio.ByteBuffer.allocateDirect(24).asFloatBuffer();
        m.copyRow(6, direct, 3);
        assertEquals(103f, direct.get(3));
        assertEquals(105f, direct.get(5));
        assertThrows(IndexOutOfBoundsException.class, () -> m.copyRow(9, row, 0));
        assertNull(m.heapArray());
    }

    @Test
    void float32NpyTrainingFilesAreMappedOthersConvertedOntoTheHeap() throws IOException {
        Path a = NpyFixtures.float32(dir.resolve("a.npy"), 2, 2, new float[] {1, 2, 3, 4});
        Path b = NpyFixtures.float32(dir.resolve("b.npy"), 1, 2, new float[] {5, 6});
        FeatureSet mapped = FeatureSetLoader.load(List.of(new FeatureSetLoader.VideoFile("a", a),
                new FeatureSetLoader.VideoFile("b", b)), FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.FAIL);
        assertInstanceOf(MappedFeatureRows.class, mapped.features());
        assertTrue(mapped.storage().startsWith("memory-mapped from 2 .npy files"), mapped.storage());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, mapped.x());
        assertArrayEquals(new int[] {0, 2, 3}, mapped.offsets());

        // a NaN row under drop-rows cannot be mapped as it lies: converted (small, so onto the heap)
        Path nan = NpyFixtures.float32(dir.resolve("n.npy"), 2, 2, new float[] {Float.NaN, 2, 3, 4});
        FeatureSet dropped = FeatureSetLoader.load(List.of(new FeatureSetLoader.VideoFile("n", nan)),
                FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.DROP_ROWS);
        assertInstanceOf(HeapFeatureRows.class, dropped.features());
        assertArrayEquals(new float[] {3, 4}, dropped.x());
        assertEquals(1, dropped.droppedRows());
    }

    @Test
    void aNamedCacheIsWrittenOnceThenMappedAndRebuiltWhenASourceChanges() throws IOException {
        // [T 2, crops 2, D 2] averaged: not mappable as it lies
        Path a = crops(dir.resolve("a.npy"), new long[] {2, 2, 2}, new float[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path cache = dir.resolve("cache").resolve("train-f32.npy");
        FeatureSetLoader.Options options = new FeatureSetLoader.Options(cache, LoadProgress.NONE);
        List<FeatureSetLoader.VideoFile> videos = List.of(new FeatureSetLoader.VideoFile("a", a));
        FeatureSet first = FeatureSetLoader.load(videos, FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.FAIL,
                options);
        assertTrue(first.storage().endsWith("(converted now)"), first.storage());
        assertArrayEquals(new float[] {2, 3, 6, 7}, first.x());
        // the cache is a plain float32 .npy of the averaged rows
        NpyFloats onDisk = NpyReader.read(cache);
        assertArrayEquals(new long[] {2, 2}, onDisk.shape());
        assertArrayEquals(new float[] {2, 3, 6, 7}, onDisk.data());

        FeatureSet again = FeatureSetLoader.load(videos, FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.FAIL,
                options);
        assertFalse(again.storage().endsWith("(converted now)"), again.storage());
        assertInstanceOf(MappedFeatureRows.class, again.features());
        assertArrayEquals(new float[] {2, 3, 6, 7}, again.x());

        crops(a, new long[] {1, 2, 2}, new float[] {0, 0, 2, 2});
        java.nio.file.Files.setLastModifiedTime(a, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        FeatureSet rebuilt = FeatureSetLoader.load(videos, FeatureFormat.NPY, CropMode.AVERAGE, NonFinitePolicy.FAIL,
                options);
        assertTrue(rebuilt.storage().endsWith("(converted now)"), rebuilt.storage());
        assertArrayEquals(new float[] {1, 1}, rebuilt.x());
    }
}
