package dev.gcl.backend.cuda;

import dev.gcl.backend.DeviceFloats;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The GPU's Philox uniforms are the Java ones, bit for bit. */
class CudaPhiloxTest {
    private CudaBackend gpu;

    @BeforeEach
    void open() {
        gpu = CudaTesting.backendOrSkip();
    }

    @AfterEach
    void close() {
        if (gpu != null) gpu.close();
    }

    private float[] uniforms(RandomStream s, long start, int n) {
        DeviceFloats d = gpu.allocFloats(n);
        gpu.fill(d, Float.NaN);
        gpu.philoxUniform(s, start, d, n);
        float[] got = new float[n];
        gpu.download(d, 0, got, 0, n);
        gpu.free(d);
        return got;
    }

    @Test
    void firstMillionUniformsEqualJava() {
        int n = CudaTesting.trimmed() ? 65_536 : 1_000_000;  // trimmed: the sanitizer passes
        RandomStream s = new RandomStream(20221, Purpose.NL_PICK, 3);
        float[] expected = new float[n];
        s.fillUniform(expected, 0, n, 0);
        float[] got = uniforms(s, 0, n);
        for (int k = 0; k < n; k++) {
            if (Float.floatToRawIntBits(got[k]) != Float.floatToRawIntBits(expected[k])) {
                fail("uniform " + k + ": gpu " + got[k] + " java " + expected[k]);
            }
        }
    }

    @Test
    void uniformsMatchAcrossTheHighCounterWordAndNegativeKeys() {
        // block indices above 2^32 use counter word 1; a negative seed and stream ids use every key bit
        RandomStream s = new RandomStream(-7L, Purpose.TEST, -1);
        long start = (1L << 34) - 6;
        int n = 4099;
        float[] expected = new float[n];
        s.fillUniform(expected, 0, n, start);
        assertArrayEquals(expected, uniforms(s, start, n));
    }
}
