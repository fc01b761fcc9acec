package dev.gcl.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.NpyWriter;
import dev.gcl.io.NpzTable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The .npz table reader: on raw bytes (the zip layer), and on well-formed zips of fuzzed arrays (what lies behind
 * the zip layer, which raw mutation rarely reaches intact).
 */
class NpzFuzzTest {
    private static final FuzzFiles FILES = new FuzzFiles("npz");
    private static final String[] NAMES = {"X", "y", "offsets", "names"};
    private static final String[] DTYPES = {"<f4", "<f8", "<f2", "<i8", ">i4", "|u1", "|b1", "<U2", "|S3", "|O", "<c8"};

    @FuzzTest(maxDuration = "2m")
    void npzBytes(byte[] bytes) {
        read(FILES.write("t.npz", bytes));
    }

    /**
     * Up to five entries, each a name (mostly X, y, offsets, names) and an .npy built from fuzzed parts (dtype,
     * order, shape, data bytes) or taken as raw bytes, stored or deflated.
     */
    @FuzzTest(maxDuration = "2m")
    void npzArrays(FuzzedDataProvider data) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
            int entries = data.consumeInt(0, 5);
            Set<String> used = new HashSet<>();
            for (int i = 0; i < entries; i++) {
                String name = data.consumeBoolean() ? data.pickValue(NAMES) + ".npy" : data.consumeString(12);
                if (!used.add(name)) continue;                    // a zip cannot hold one name twice
                zip.setLevel(data.consumeBoolean() ? 0 : 6);
                zip.putNextEntry(new ZipEntry(name));
                zip.write(data.consumeBoolean() ? array(data) : data.consumeBytes(data.consumeInt(0, 512)));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        read(FILES.write("a.npz", zipped.toByteArray()));
    }

    /** numpy's header for a fuzzed dtype, order and shape (dimensions -1..9), then fuzzed data bytes. */
    private static byte[] array(FuzzedDataProvider data) {
        long[] shape = new long[data.consumeInt(0, 3)];
        for (int i = 0; i < shape.length; i++) shape[i] = data.consumeLong(-1, 9);
        byte[] header = NpyWriter.header(data.pickValue(DTYPES), data.consumeBoolean(), shape);
        byte[] body = data.consumeBytes(data.consumeInt(0, 512));
        byte[] all = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, all, header.length, body.length);
        return all;
    }

    private static void read(Path file) {
        try {
            NpzTable t = NpzTable.read(file);
            assertTrue(t.rows() > 0 && t.dim() > 0, "a table has rows and columns");
            assertEquals((long) t.rows() * t.dim(), t.x().length);
            assertEquals(t.rows(), t.y().length);
        } catch (DataFormatException expected) {
            // not a table
        }
    }
}
