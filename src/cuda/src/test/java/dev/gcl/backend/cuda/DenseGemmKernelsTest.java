package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Precision;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.verify.OpParity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.gcl.verify.AbstractOpParityTest.assertAllPass;
import static dev.gcl.backend.cuda.GemmRuns.assertBitEqual;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The FP32 kernels of {@code kernels/dense_big.cu}, each forced through {@link DenseGemmPlan.Planner} on small odd
 * shapes across their tile edges (128×128 tiles, 64×64 split tiles, 8-deep k slices), on buffers whose sizes make
 * them 16-byte aligned (the vector paths) or not (the scalar paths): against the CPU reference, against the
 * 64×64 kernels of {@code dense.cu} bit for bit (same summation order), every whole-k family against the plain
 * ascending fma loop bit for bit (so against the earlier single-buffered 64×64 kernel, whose order that was), and
 * run-to-run bit for bit. The 128×64 tiles ({@code TILE128X64}) as well.
 */
class DenseGemmKernelsTest {
    // (rows, in, out): 1; around 128 and 256 in every dimension; k = in (forward) not a multiple of 8 or 4;
    // 256x128->132 has every matrix a multiple of 4 floats wide, so aligned: the 16-byte load and store paths
    private static final int[][] SHAPES = CudaTesting.trimmed()
        ? new int[][] {{1, 1, 1}, {129, 37, 131}, {3, 131, 2}}  // the sanitizer passes: across the tile edges still
        : new int[][] {
            {1, 1, 1}, {127, 37, 129}, {129, 255, 127}, {257, 9, 255}, {255, 129, 257}, {256, 128, 132}, {3, 131, 2}
        };

    private CudaBackend small, big, split, medium;
    private ReferenceBackend cpu;

    /** Every product on the 128×128 kernels, dW split over k into ranges of 8·3 rows (at least 2 splits). */
    private static DenseGemmPlan bigPlan(DenseGemmPlan.Product p, int m, int n, int k) {
        return DenseGemmPlan.whole(DenseGemmPlan.Kernel.TILE128);
    }

    private static DenseGemmPlan splitPlan(DenseGemmPlan.Product p, int m, int n, int k) {
        if (p != DenseGemmPlan.Product.BACKWARD_WEIGHT) return DenseGemmPlan.whole(DenseGemmPlan.Kernel.TILE128);
        DenseGemmPlan.Kernel kernel = (m + n) % 2 == 0 ? DenseGemmPlan.Kernel.SPLIT128 : DenseGemmPlan.Kernel.SPLIT64;
        return DenseGemmPlan.split(kernel, k, Math.max(2, k / 24));
    }

    @BeforeEach
    void open() {
        CudaTesting.assumeCuda();
        small = new CudaBackend(Precision.FP32, (p, m, n, k) -> DenseGemmPlan.whole(DenseGemmPlan.Kernel.TILE64));
        big = new CudaBackend(Precision.FP32, DenseGemmKernelsTest::bigPlan);
        split = new CudaBackend(Precision.FP32, DenseGemmKernelsTest::splitPlan);
        medium = new CudaBackend(Precision.FP32, (p, m, n, k) -> DenseGemmPlan.whole(DenseGemmPlan.Kernel.TILE128X64));
        cpu = new ReferenceBackend(2);
    }

    @AfterEach
    void close() {
        for (dev.gcl.backend.Backend b : new dev.gcl.backend.Backend[] {small, big, split, medium, cpu}) {
            if (b != null) b.close();
        }
    }

    @Test
    void bigTilesMatchTheCpuReference() {
        for (int[] s : SHAPES) {
            for (Activation act : Activation.values()) {
                assertAllPass(new OpParity(big, cpu, Precision.FP32).denseForward(s[0], s[1], s[2], act, 30));
            }
            assertAllPass(new OpParity(big, cpu, Precision.FP32).denseBackward(s[0], s[1], s[2], Activation.RELU, 31));
        }
    }

    @Test
    void splitOverKMatchesTheCpuReference() {
        for (int[] s : SHAPES) {
            assertAllPass(new OpParity(split, cpu, Precision.FP32).denseBackward(s[0], s[1], s[2], Activation.SIGMOID, 32));
        }
        // the thin shapes the split is for: dW of 32 x 64 and 1 x 32 summed over many rows
        assertAllPass(new OpParity(split, cpu, Precision.FP32).denseBackward(1000, 64, 32, Activation.RELU, 33));
        assertAllPass(new OpParity(split, cpu, Precision.FP32).denseBackward(999, 32, 1, Activation.SIGMOID, 34));
    }

    @Test
    void mediumTilesMatchTheCpuReference() {
        for (int[] s : SHAPES) {
            assertAllPass(new OpParity(medium, cpu, Precision.FP32).denseForward(s[0], s[1], s[2], Activation.SIGMOID, 35));
            assertAllPass(new OpParity(medium, cpu, Precision.FP32).denseBackward(s[0], s[1], s[2], Activation.RELU, 36));
        }
    }

    /** Every whole-k FP32 family sums each element as the plain ascending fma loop does: the same bits. */
    @Test
    void everyTileSizeEqualsTheAscendingFmaLoopBitForBit() {
        for (int[] s : SHAPES) {
            float[][] expected = GemmRuns.ascendingFmaReference(s, 50);
            for (CudaBackend g : new CudaBackend[] {small, medium, big}) {
                float[][] got = forwardAndBackward(g, s[0], s[1], s[2]);
                for (int o = 0; o < 3; o++) {
                    assertBitEqual(expected[o], got[o], "output " + o + " at " + java.util.Arrays.toString(s));
                }
            }
        }
    }

    @Test
    void bigTilesEqualTheSmallTilesBitForBit() {
        for (int[] s : SHAPES) {
            float[][] a = forwardAndBackward(small, s[0], s[1], s[2]), b = forwardAndBackward(big, s[0], s[1], s[2]);
            for (int o = 0; o < 3; o++) assertBitEqual(a[o], b[o], "output " + o + " at " + java.util.Arrays.toString(s));
        }
    }

    @Test
    void splitOverKIsBitReproducible() {
        int rows = 257, in = 129, out = 33;
        float[][] first = forwardAndBackward(split, rows, in, out), second = forwardAndBackward(split, rows, in, out);
        for (int o = 0; o < 3; o++) assertBitEqual(first[o], second[o], "output " + o + " of two runs");
        float[][] whole = forwardAndBackward(big, rows, in, out);
        int differ = 0;
        for (int k = 0; k < whole[2].length; k++) if (whole[2][k] != first[2][k]) differ++;
        assertTrue(differ > 0, "the split dW sums in another order than the whole-k kernel: it ran");
    }

    private static float[][] forwardAndBackward(CudaBackend g, int rows, int in, int out) {
        return GemmRuns.forwardAndBackward(g, new int[] {rows, in, out}, GemmRuns.Placement.AS_SIZED, 50);
    }
}
