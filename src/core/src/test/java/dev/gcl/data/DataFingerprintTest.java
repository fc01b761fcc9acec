package dev.gcl.data;

import dev.gcl.io.MappedFeatureRows;
import dev.gcl.io.NpyReader;
import dev.gcl.testing.NpyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.*;

class DataFingerprintTest {
    @TempDir
    Path dir;

    /** The definition, written out plainly: SHA-256 over rows, dim, videos, time axis, offsets, then every float. */
    private static String byDefinition(float[] x, int dim, int[] offsets) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(13 + 4 * offsets.length + 4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(x.length / dim).putInt(dim).putInt(offsets.length - 1).put((byte) 1);
        for (int o : offsets) b.putInt(o);
        for (float f : x) b.putFloat(f);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array())).substring(0, 16);
    }

    @Test
    void heapAndMappedRowsOfTheSameNumbersHaveTheDefinedFingerprint() throws Exception {
        float[] x = new float[3000 * 7];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i) * 3;
        x[5] = Float.NaN;
        int[] offsets = {0, 1000, 2999, 3000};
        String expected = byDefinition(x, 7, offsets);
        assertEquals(expected, DataFingerprint.of(TrainingData.videos(x, 7, offsets)));

        Path f = NpyFixtures.float32(dir.resolve("x.npy"), 3000, 7, x);
        var mapped = new MappedFeatureRows.Builder(7).add(f, NpyReader.header(f).dataOffset(), 3000).build();
        assertEquals(expected, DataFingerprint.of(TrainingData.videos(mapped, offsets)));
    }

    @Test
    void computedOncePerDataAndSharedWithItsLabelledCopies() throws IOException {
        TrainingData data = TrainingData.videos(new float[] {1, 2, 3, 4, 5, 6}, 2, new int[] {0, 1, 3});
        String first = DataFingerprint.of(data);
        assertSame(first, DataFingerprint.of(data), "the second call returns the value kept, not a new one");
        assertSame(first, DataFingerprint.of(data.withVideoLabels(new int[] {0, 1})));
        TrainingData other = TrainingData.videos(new float[] {1, 2, 3, 4, 5, 7}, 2, new int[] {0, 1, 3});
        assertNotEquals(first, DataFingerprint.of(other));
    }
}
