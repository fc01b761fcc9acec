package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import dev.gcl.verify.AbstractOpParityTest;
import dev.gcl.verify.Comparison;
import dev.gcl.verify.OpParity;
import dev.gcl.verify.ParityTolerances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every op of the OpenBLAS backend against the CPU reference on the same random inputs at odd sizes (and edge sizes
 * of 1), outputs poisoned with NaN before each launch: {@link OpParity}'s checks, the same as CUDA's and
 * {@code gcl verify}'s, under {@link ParityTolerances#blasFp32()} (GEMM outputs within the FP32 bound, the rest
 * bit-equal).
 */
class BlasParityTest extends AbstractOpParityTest {
    private BlasBackend blas;
    private ReferenceBackend cpu;

    @BeforeEach
    void open() {
        blas = BlasTesting.backendOrSkip(2);
        cpu = new ReferenceBackend(2);
    }

    @AfterEach
    void close() {
        if (blas != null) blas.close();
        if (cpu != null) cpu.close();
    }

    @Override
    protected OpParity parity() {
        return new OpParity(blas, cpu, ParityTolerances.blasFp32());
    }

    @Test
    void denseForward() {
        for (Activation act : Activation.values()) {
            for (int[] s : new int[][] {{ROWS, IN, OUT}, {1, 1, 1}, {65, 17, 129}, {7, 2049, 3}}) {
                assertAllPass(parity().denseForward(s[0], s[1], s[2], act, 20));
            }
        }
    }

    @Test
    void denseBackward() {
        for (Activation act : Activation.values()) {
            for (int[] s : new int[][] {{ROWS, IN, OUT}, {1, 1, 1}, {1000, 33, 1}, {3001, 5, 9}}) {
                assertAllPass(parity().denseBackward(s[0], s[1], s[2], act, 21));
            }
        }
    }

    @Test
    void theGemmsReallyRunInFp32() {
        // a double-summing implementation would be bit-equal to the reference on most elements; FP32 sums are not
        Comparison c = parity().denseForward(ROWS, IN, OUT, Activation.IDENTITY, 22).get(0);
        assertTrue(c.passed(), c.describe());
        assertTrue(c.maxAbs() > 0, "FP32 accumulation leaves some last-bit differences: " + c.describe());
    }

    @Test
    void philoxFromOddStarts() {
        RandomStream s = new RandomStream(0x1234_5678_9abcL, Purpose.NOISE, 17);
        for (long start : new long[] {0, 3, (1L << 34) - 5}) {
            assertAllPass(parity().philoxNormal(s, start, 100_001));
            assertAllPass(parity().philoxUniform(s, start, 100_001));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 5, 17})
    void theRandomSuiteOfGclVerifyPasses(long seed) {
        assertAllPass(parity().randomSuite(seed));
    }
}
