package dev.gcl.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gcl.io.CropMode;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.FeatureFiles;
import dev.gcl.io.FeatureFormat;
import dev.gcl.io.FeatureMatrix;
import dev.gcl.io.FeatureShape;
import dev.gcl.io.NpyFloats;
import dev.gcl.io.NpyHeader;
import dev.gcl.io.NpyReader;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The .npy header and data readers, and the feature-file reader on top of them, on arbitrary bytes. */
class NpyFuzzTest {
    private static final FuzzFiles FILES = new FuzzFiles("npy");

    @FuzzTest(maxDuration = "2m")
    void npyFile(byte[] bytes) {
        Path file = FILES.write("x.npy", bytes);
        NpyFloats all;
        try {
            NpyHeader h = NpyReader.header(file);
            all = NpyReader.read(file);
            assertEquals(h.elementCount(file.toString()), all.data().length, "as many floats as the header declares");
        } catch (DataFormatException expected) {
            return;
        }
        try {
            FeatureShape shape = FeatureFiles.shape(file, FeatureFormat.NPY);
            FeatureMatrix averaged = FeatureFiles.read(file, FeatureFormat.NPY, CropMode.AVERAGE);
            FeatureMatrix separate = FeatureFiles.read(file, FeatureFormat.NPY, CropMode.SEPARATE_ROWS);
            assertEquals(shape.segments(), averaged.rows());
            assertEquals(all.data().length, separate.data().length, "separate crops keep every value");
        } catch (DataFormatException expected) {
            // a readable array that is no feature file ([T, D] or [T, crops, D])
        }
    }

    @FuzzTest(maxDuration = "2m")
    void c3dText(byte[] bytes) {
        Path file = FILES.write("x.txt", bytes);
        try {
            FeatureMatrix m = FeatureFiles.read(file, FeatureFormat.C3D_TEXT, CropMode.AVERAGE);
            assertEquals((long) m.rows() * m.dim(), m.data().length);
        } catch (DataFormatException expected) {
            // not C3D text
        }
    }
}
