package dev.gcl.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.NpzTable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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

    @FuzzTest(maxDuration = "2m")
    void npzBytes(byte[] bytes) {
        read(FILES.write("t.npz", bytes));
    }

    /** Up to five entries, each a name (mostly X, y, offsets, names) and fuzzed .npy bytes, stored or deflated. */
    @FuzzTest(maxDuration = "2m")
    void npzArrays(FuzzedDataProvider data) {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(zipped)) {
            int entries = data.consumeInt(0, 5);
            java.util.Set<String> used = new java.util.HashSet<>();
            for (int i = 0; i < entries; i++) {
                String name = data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] + ".npy"
                        : data.consumeString(12);
                if (!used.add(name)) continue;                    // a zip cannot hold one name twice
                zip.setLevel(data.consumeBoolean() ? 0 : 6);
                zip.putNextEntry(new ZipEntry(name));
                zip.write(data.consumeBytes(data.consumeInt(0, 2048)));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        read(FILES.write("a.npz", zipped.toByteArray()));
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
