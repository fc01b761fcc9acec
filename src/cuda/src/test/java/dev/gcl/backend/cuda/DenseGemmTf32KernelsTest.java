package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.Precision;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.verify.OpParity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static dev.gcl.verify.AbstractOpParityTest.assertAllPass;
import static dev.gcl.backend.cuda.GemmRuns.assertBitEqual;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The TF32 kernels of {@code kernels/dense_tf32_big.cu} (128×128 tiles, 16-deep k slices in a 3-stage cp.async
 * pipeline, split dW), each forced through {@link DenseGemmPlan.Planner} on odd shapes across their tile edges:
 * against the CPU reference within the TF32 bound, against the 64×64 kernels of {@code dense_tf32.cu} bit for bit
 * (the same mma inputs in the same order per element), with 16-byte aligned and misaligned buffers (the 16-byte
 * and the 4-byte cp.async paths give the same bits), and run to run bit for bit.
 *
 * <p>Alignment: {@link GemmRuns.Placement} pads each buffer to start 16-byte aligned or not on the stand-in. (On a
 * GPU every allocation is 256-byte aligned, and both variants take the 16-byte path where the strides allow.)
 */
class DenseGemmTf32KernelsTest {
    // (rows, in, out): 1; around 128 and 256 in every dimension; k not a multiple of 16, 8 or 4; 256x128->132 and
    // 384x260->136 have every stride a multiple of 4 floats (the 16-byte cp.async path when aligned); the last two
    // span several tiles and many k slices
    private static final int[][] SHAPES = CudaTesting.trimmed()
        ? new int[][] {{1, 1, 1}, {129, 37, 131}, {132, 40, 136}, {3, 131, 2}}  // the sanitizer passes
        : new int[][] {
            {1, 1, 1}, {127, 37, 129}, {129, 255, 127}, {257, 9, 255}, {255, 129, 257}, {256, 128, 132}, {3, 131, 2},
            {384, 260, 136}, {300, 263, 140}
        };

    private CudaBackend small, big, split;
    private ReferenceBackend cpu;

    private static DenseGemmPlan bigPlan(DenseGemmPlan.Product p, int m, int n, int k) {
        return DenseGemmPlan.whole(DenseGemmPlan.Kernel.TF32_TILE128);
    }

    /** dW split over k into ranges of 16 rows or more (at least 2 splits), the rest on the 128×128 tiles. */
    private static DenseGemmPlan splitPlan(DenseGemmPlan.Product p, int m, int n, int k) {
        if (p != DenseGemmPlan.Product.BACKWARD_WEIGHT) return DenseGemmPlan.whole(DenseGemmPlan.Kernel.TF32_TILE128);
        return DenseGemmPlan.split(DenseGemmPlan.Kernel.TF32_SPLIT128, k, Math.max(2, k / 40));
    }

    @BeforeEach
    void open() {
        CudaTesting.assumeCuda();
        small = new CudaBackend(Precision.TF32, (p, m, n, k) -> DenseGemmPlan.whole(DenseGemmPlan.Kernel.TF32_TILE64));
        big = new CudaBackend(Precision.TF32, DenseGemmTf32KernelsTest::bigPlan);
        split = new CudaBackend(Precision.TF32, DenseGemmTf32KernelsTest::splitPlan);
        cpu = new ReferenceBackend(2);
    }

    @AfterEach
    void close() {
        for (dev.gcl.backend.Backend b : new dev.gcl.backend.Backend[] {small, big, split, cpu}) {
            if (b != null) b.close();
        }
    }

    @Test
    void bigTilesMatchTheCpuReferenceWithinTheTf32Bound() {
        for (int[] s : SHAPES) {
            for (Activation act : Activation.values()) {
                assertAllPass(new OpParity(big, cpu, Precision.TF32).denseForward(s[0], s[1], s[2], act, 40));
            }
            assertAllPass(new OpParity(big, cpu, Precision.TF32).denseBackward(s[0], s[1], s[2], Activation.RELU, 41));
        }
    }

    @Test
    void splitOverKMatchesTheCpuReferenceWithinTheTf32Bound() {
        for (int[] s : SHAPES) {
            assertAllPass(new OpParity(split, cpu, Precision.TF32).denseBackward(s[0], s[1], s[2], Activation.SIGMOID, 42));
        }
        assertAllPass(new OpParity(split, cpu, Precision.TF32).denseBackward(1000, 132, 129, Activation.RELU, 43));
        assertAllPass(new OpParity(split, cpu, Precision.TF32).denseBackward(999, 32, 1, Activation.SIGMOID, 44));
    }

    /** Thin dW (D's 512→32→1 layers over many rows) split over k on the 64×64 tiles of dense_tf32.cu. */
    @Test
    void thinSplitOverKMatchesTheCpuReferenceAndRepeatsBitForBit() {
        try (CudaBackend thin = new CudaBackend(Precision.TF32, DenseGemmTf32KernelsTest::thinSplitPlan)) {
            assertAllPass(new OpParity(thin, cpu, Precision.TF32).denseBackward(1000, 64, 32, Activation.RELU, 45));
            assertAllPass(new OpParity(thin, cpu, Precision.TF32).denseBackward(999, 32, 1, Activation.SIGMOID, 46));
            assertAllPass(new OpParity(thin, cpu, Precision.TF32).denseBackward(517, 131, 65, Activation.RELU, 47));
            int[] s = {1000, 64, 32};
            float[][] first = run(thin, s, false), second = run(thin, s, true), whole = run(small, s, true);
            for (int o = 0; o < 3; o++) assertBitEqual(first[o], second[o], "output " + o + " of two split runs");
            assertBitEqual(whole[0], first[0], "the forward is not split");
            int differ = 0;
            for (int k = 0; k < whole[2].length; k++) if (whole[2][k] != first[2][k]) differ++;
            assertTrue(differ > 0, "the split dW sums in another order than the whole-k kernel: it ran");
        }
    }

    /** dW split over k into ranges of 16 rows or more on 64×64 tiles, the rest on the 64×64 whole-k kernel. */
    private static DenseGemmPlan thinSplitPlan(DenseGemmPlan.Product p, int m, int n, int k) {
        if (p != DenseGemmPlan.Product.BACKWARD_WEIGHT) return DenseGemmPlan.whole(DenseGemmPlan.Kernel.TF32_TILE64);
        return DenseGemmPlan.split(DenseGemmPlan.Kernel.TF32_SPLIT64, k, Math.max(2, k / 40));
    }

    @Test
    void bigTilesEqualTheSmallTf32TilesBitForBitAlignedOrNot() {
        for (int[] s : SHAPES) {
            float[][] old = run(small, s, true);
            for (boolean aligned : new boolean[] {true, false}) {
                float[][] fresh = run(big, s, aligned);
                for (int o = 0; o < 3; o++) {
                    assertBitEqual(old[o], fresh[o], "output " + o + " at " + Arrays.toString(s)
                            + (aligned ? ", aligned" : ", misaligned"));
                }
            }
        }
    }

    @Test
    void runsAreBitIdenticalAndTheSplitSumsInItsOwnOrder() {
        int[] s = {257, 129, 136};
        float[][] first = run(big, s, true), second = run(big, s, true);
        for (int o = 0; o < 3; o++) assertBitEqual(first[o], second[o], "output " + o + " of two runs");
        float[][] split1 = run(split, s, false), split2 = run(split, s, true);
        for (int o = 0; o < 3; o++) assertBitEqual(split1[o], split2[o], "output " + o + " of two split runs");
        int differ = 0;
        for (int k = 0; k < first[2].length; k++) if (first[2][k] != split1[2][k]) differ++;
        assertTrue(differ > 0, "the split dW sums in another order than the whole-k kernel: it ran");
    }

    @Test
    void aPlanOfTheOtherPrecisionIsRefused() {
        try (CudaBackend wrong = new CudaBackend(Precision.TF32, DenseGemmPlan::choose)) {
            DeviceFloats x = wrong.allocFloats(4), w = wrong.allocFloats(4), b = wrong.allocFloats(2);
            DeviceFloats y = wrong.allocFloats(4);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> wrong.denseForward(x, w, b, y, 2, 2, 2, Activation.IDENTITY));
            assertTrue(e.getMessage().contains("TILE64"), e.getMessage());
        }
    }

    /** {out, dIn, dW} at s on buffers that start 16-byte aligned or not (on the stand-in). */
    private static float[][] run(CudaBackend g, int[] s, boolean aligned) {
        return GemmRuns.forwardAndBackward(g, s, aligned ? GemmRuns.Placement.ALIGNED : GemmRuns.Placement.MISALIGNED,
                60);
    }
}
