package dev.gcl.io;

import dev.gcl.testing.TestData;
import dev.gcl.testing.NpyFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class NpzTableTest {
    static final Path ADBENCH = TestData.ADBENCH;

    @TempDir
    Path dir;

    @Test
    void readsFloat32ResNetEmbeddings() {
        NpzTable t = NpzTable.read(ADBENCH.resolve("resnet18/CIFAR10_0.npz"));
        assertEquals(5263, t.rows());
        assertEquals(512, t.dim());
        assertEquals(263, t.anomalies());
        assertEquals(0.3016446828842163f, t.x()[0]);
        assertEquals(0.2997771203517914f, t.x()[1]);
        assertNull(t.offsets());
    }

    @Test
    void readsDeflatedFortranOrderedInt16() {
        // shuttle: int16, Fortran order, deflate-compressed entries (values from numpy)
        NpzTable t = NpzTable.read(ADBENCH.resolve("classical/32_shuttle.npz"));
        assertEquals(49097, t.rows());
        assertEquals(9, t.dim());
        assertEquals(3511, t.anomalies());
        float[] first = java.util.Arrays.copyOfRange(t.x(), 0, 9);
        assertArrayEquals(new float[] {50, 21, 77, 0, 28, 0, 27, 48, 22}, first);
        float[] last = java.util.Arrays.copyOfRange(t.x(), (t.rows() - 1) * 9, t.rows() * 9);
        assertArrayEquals(new float[] {37, 0, 103, 0, 18, -16, 66, 85, 20}, last);
    }

    @Test
    void readsFloat64FortranOrdered() {
        NpzTable t = NpzTable.read(ADBENCH.resolve("classical/6_cardio.npz"));
        assertEquals(176, t.anomalies());
        assertEquals(0.004912314470857382f, t.x()[0]);
        assertEquals((float) -0.9923642995724323, t.x()[5 * t.dim() + 7]);
    }

    @Test
    void everyAdbenchFileReads() throws IOException {
        try (var files = java.nio.file.Files.walk(ADBENCH)) {
            long n = files.filter(p -> p.toString().endsWith(".npz")).peek(p -> {
                NpzTable t = NpzTable.read(p);
                assertTrue(t.anomalies() > 0 && t.anomalies() < t.rows(), p.toString());
            }).count();
            assertEquals(11, n);  // the 8 classical tables + 3 of the 16 ResNet-18 ones (src/test/data/README.md)
        }
    }

    @Test
    void readsOptionalOffsetsAndNames() throws IOException {
        byte[] x = NpyFixtures.npy("<f4", false, new long[] {3, 2}, 24, ByteOrder.LITTLE_ENDIAN,
                b -> { for (int i = 0; i < 6; i++) b.putFloat(i); });
        byte[] y = NpyFixtures.npy("<i8", false, new long[] {3}, 24, ByteOrder.LITTLE_ENDIAN,
                b -> { b.putLong(0); b.putLong(1); b.putLong(0); });
        byte[] offsets = NpyFixtures.npy("<i4", false, new long[] {3}, 12, ByteOrder.LITTLE_ENDIAN,
                b -> { b.putInt(0); b.putInt(2); b.putInt(3); });
        byte[] names = NpyFixtures.npy("<U3", false, new long[] {2}, 24, ByteOrder.LITTLE_ENDIAN,
                b -> { b.put(utf32("ab")); b.put(utf32("xyz")); });
        Path f = NpyFixtures.npz(dir.resolve("v.npz"), new String[] {"X", "y", "offsets", "names"},
                new byte[][] {x, y, offsets, names});
        NpzTable t = NpzTable.read(f);
        assertArrayEquals(new int[] {0, 2, 3}, t.offsets());
        assertArrayEquals(new String[] {"ab", "xyz"}, t.names());
        assertArrayEquals(new int[] {0, 1, 0}, t.y());
    }

    private static byte[] utf32(String s) {
        byte[] b = new byte[12];
        byte[] enc = s.getBytes(java.nio.charset.Charset.forName("UTF-32LE"));
        System.arraycopy(enc, 0, b, 0, enc.length);
        return b;
    }

    @Test
    void missingLabelsAndBadLabelsAreRefused() throws IOException {
        byte[] x = NpyFixtures.npy("<f4", false, new long[] {2, 1}, 8, ByteOrder.LITTLE_ENDIAN, b -> {});
        Path noY = NpyFixtures.npz(dir.resolve("noy.npz"), new String[] {"X"}, new byte[][] {x});
        DataFormatException e = assertThrows(DataFormatException.class, () -> NpzTable.read(noY));
        assertTrue(e.getMessage().contains("no array 'y'"), e.getMessage());
        byte[] y = NpyFixtures.npy("|u1", false, new long[] {2}, 2, ByteOrder.LITTLE_ENDIAN, b -> b.put(new byte[] {0, 2}));
        Path badY = NpyFixtures.npz(dir.resolve("bady.npz"), new String[] {"X", "y"}, new byte[][] {x, y});
        e = assertThrows(DataFormatException.class, () -> NpzTable.read(badY));
        assertTrue(e.getMessage().startsWith(badY + "[y]: label 1 is 2"), e.getMessage());
    }
}
