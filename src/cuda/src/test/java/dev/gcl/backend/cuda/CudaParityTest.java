package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.Precision;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import dev.gcl.verify.AbstractOpParityTest;
import dev.gcl.verify.OpParity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every op on the GPU against the CPU reference on the same random inputs, at odd sizes larger than one GEMM tile
 * (and edge sizes of 1), outputs poisoned with NaN before each launch; the checks are {@link OpParity}'s (shared
 * with {@code gcl verify}), tolerances {@link dev.gcl.verify.ParityTolerances}'. The dense ops run in FP32 and in
 * TF32 (the tensor-core kernels); the other ops do not depend on the precision.
 */
class CudaParityTest extends AbstractOpParityTest {
    private CudaBackend gpu, gpuTf32;
    private ReferenceBackend cpu;

    @BeforeEach
    void open() {
        gpu = CudaTesting.backendOrSkip();
        gpuTf32 = new CudaBackend(Precision.TF32);
        cpu = new ReferenceBackend(2);
    }

    @AfterEach
    void close() {
        if (gpu != null) gpu.close();
        if (gpuTf32 != null) gpuTf32.close();
        if (cpu != null) cpu.close();
    }

    private OpParity parity(Precision p) {
        return new OpParity(p == Precision.TF32 ? gpuTf32 : gpu, cpu, p);
    }

    @Override
    protected OpParity parity() {
        return parity(Precision.FP32);
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void denseForward(Precision p) {
        for (Activation act : Activation.values()) {
            for (int[] s : new int[][] {{ROWS, IN, OUT}, {1, 1, 1}, {65, 17, 129}, {64, 32, 64}}) {
                assertAllPass(parity(p).denseForward(s[0], s[1], s[2], act, 20));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void denseBackward(Precision p) {
        for (Activation act : Activation.values()) {
            for (int[] s : new int[][] {{ROWS, IN, OUT}, {1, 1, 1}, {1000, 33, 1}, {64, 32, 64}}) {
                assertAllPass(parity(p).denseBackward(s[0], s[1], s[2], act, 21));
            }
        }
    }

    /** Runs dense_forward twice on one TF32 backend and once in FP32; returns the three outputs. */
    private float[][] forwardTwiceInTf32AndOnceInFp32(int rows, int in, int out) {
        float[] x = OpParity.normal(rows * in, 1, 40, 0), w = OpParity.normal(out * in, 0.1, 40, 1);
        float[] b = OpParity.normal(out, 0.5, 40, 2);
        float[][] results = new float[3][rows * out];
        for (int run = 0; run < 3; run++) {
            CudaBackend g = run < 2 ? gpuTf32 : gpu;
            DeviceFloats dx = g.allocFloats(x.length), dw = g.allocFloats(w.length), db = g.allocFloats(out);
            DeviceFloats dy = g.allocFloats(rows * out);
            g.upload(x, 0, dx, 0, x.length);
            g.upload(w, 0, dw, 0, w.length);
            g.upload(b, 0, db, 0, out);
            g.fill(dy, Float.NaN);
            g.denseForward(dx, dw, db, dy, rows, in, out, Activation.IDENTITY);
            g.download(dy, 0, results[run], 0, rows * out);
            for (DeviceFloats d : new DeviceFloats[] {dx, dw, db, dy}) g.free(d);
        }
        return results;
    }

    @Test
    void tf32GemmIsBitReproducibleAndReallyRunsInTf32() {
        float[][] r = forwardTwiceInTf32AndOnceInFp32(ROWS, IN, OUT);
        for (int k = 0; k < r[0].length; k++) {
            assertEquals(Float.floatToRawIntBits(r[0][k]), Float.floatToRawIntBits(r[1][k]),
                    "element " + k + " of two TF32 launches on the same inputs");
        }
        int differ = 0;
        for (int k = 0; k < r[0].length; k++) if (r[0][k] != r[2][k]) differ++;
        assertTrue(differ > r[0].length / 2, "TF32 rounding changes most outputs against FP32 (" + differ + " of "
                + r[0].length + "): the tensor-core kernel ran");
    }

    @Test
    void philoxNormalFromOddStarts() {
        RandomStream s = new RandomStream(0x1234_5678_9abcL, Purpose.NOISE, 17);
        for (long start : new long[] {0, 3, (1L << 34) - 5}) assertAllPass(parity().philoxNormal(s, start, 100_001));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void theRandomSuiteOfGclVerifyPasses(Precision p) {
        assertAllPass(parity(p).randomSuite(5));
    }
}
