package dev.gcl.backend.cuda;

import dev.gcl.backend.Precision;
import dev.gcl.backend.cuda.DenseGemmPlan.Kernel;
import dev.gcl.backend.cuda.DenseGemmPlan.Product;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which kernel the default plans (FP32 and TF32) give the paper's shapes (B = 8192, D = 2048) and small batches; no
 * GPU needed.
 */
class DenseGemmPlanTest {
    private static final int B = 8192;

    @Test
    void thePapersLargeProductsUseTheBigTiles() {
        assertEquals(Kernel.TILE128, DenseGemmPlan.choose(Product.FORWARD, B, 1024, 2048).kernel());   // G's first
        assertEquals(Kernel.TILE128, DenseGemmPlan.choose(Product.FORWARD, B, 512, 2048).kernel());    // D's first
        assertEquals(Kernel.TILE128, DenseGemmPlan.choose(Product.BACKWARD_INPUT, B, 2048, 512).kernel()); // D's first
        assertEquals(Kernel.TILE128, DenseGemmPlan.choose(Product.BACKWARD_INPUT, B, 512, 32).kernel());
        assertEquals(Kernel.TILE128, DenseGemmPlan.choose(Product.BACKWARD_WEIGHT, 2048, 4096, B).kernel());
    }

    @Test
    void productsOf128To255BigTilesUse128x64Tiles() {
        // G's 512 -> 256 forward and 256 -> 512 backward input: 64 x 2 = 128 tiles of 128×128, one per SM
        assertEquals(Kernel.TILE128X64, DenseGemmPlan.choose(Product.FORWARD, B, 256, 512).kernel());
        assertEquals(Kernel.TILE128X64, DenseGemmPlan.choose(Product.BACKWARD_INPUT, B, 256, 512).kernel());
        assertEquals(Kernel.TILE128X64, DenseGemmPlan.choose(Product.FORWARD, 128 * 255, 128, 64).kernel());
        assertEquals(Kernel.TILE128, DenseGemmPlan.choose(Product.FORWARD, 128 * 256, 128, 64).kernel());
        assertEquals(Kernel.TILE64, DenseGemmPlan.choose(Product.FORWARD, 128 * 127, 128, 64).kernel());
        assertEquals(Kernel.TILE128X64, DenseGemmPlan.choose(Product.BACKWARD_WEIGHT, 2048, 1024, 300).kernel());
        // TF32 has no 128×64 kernel: the same shapes take its 128×128 tiles
        assertEquals(Kernel.TF32_TILE128, DenseGemmPlan.chooseTf32(Product.FORWARD, B, 256, 512).kernel());
        assertEquals(Kernel.TILE128X64.tileM, 128);
        assertEquals(Kernel.TILE128X64.tileN, 64);
    }

    @Test
    void thinLayersAndSmallBatchesKeepTheSmallTiles() {
        assertEquals(Kernel.TILE64, DenseGemmPlan.choose(Product.FORWARD, B, 32, 512).kernel());
        assertEquals(Kernel.TILE64, DenseGemmPlan.choose(Product.FORWARD, B, 1, 32).kernel());
        assertEquals(Kernel.TILE64, DenseGemmPlan.choose(Product.FORWARD, 301, 1024, 2048).kernel());
        assertEquals(Kernel.TILE64, DenseGemmPlan.choose(Product.BACKWARD_WEIGHT, 32, 512, 301).kernel());
        assertEquals(Kernel.TILE128X64, DenseGemmPlan.choose(Product.BACKWARD_WEIGHT, 1024, 2048, 301).kernel());
    }

    @Test
    void dWOverManyRowsIsSplitDeterministicallyOverK() {
        DenseGemmPlan thin = DenseGemmPlan.choose(Product.BACKWARD_WEIGHT, 32, 512, B);  // D's 512 -> 32
        assertEquals(Kernel.SPLIT64, thin.kernel());
        assertEquals(32, thin.splits());
        assertEquals(256, thin.kChunk());
        DenseGemmPlan last = DenseGemmPlan.choose(Product.BACKWARD_WEIGHT, 1, 32, B);    // D's 32 -> 1
        assertEquals(Kernel.SPLIT64, last.kernel());
        assertEquals(32, last.splits());
        DenseGemmPlan wide = DenseGemmPlan.choose(Product.BACKWARD_WEIGHT, 1024, 2048, B); // G's first
        assertEquals(Kernel.SPLIT128, wide.kernel());
        assertEquals(2, wide.splits());
        assertEquals(4096, wide.kChunk());
    }

    @Test
    void splitRangesCoverKExactlyInMultiplesOfEight() {
        for (int k : new int[] {1, 7, 8, 9, 1000, 8191}) {
            for (int wanted : new int[] {1, 2, 3, 64}) {
                DenseGemmPlan p = DenseGemmPlan.split(Kernel.SPLIT64, k, wanted);
                assertEquals(0, p.kChunk() % 8, "chunk of " + k + " / " + wanted);
                assertTrue((long) p.splits() * p.kChunk() >= k, "covers k = " + k);
                assertTrue((long) (p.splits() - 1) * p.kChunk() < k, "no empty split for k = " + k);
            }
        }
    }

    @Test
    void aWholeKernelHasNoSplitsAndASplitHasAChunk() {
        assertThrows(IllegalArgumentException.class, () -> new DenseGemmPlan(Kernel.TILE128, 2, 8));
        assertThrows(IllegalArgumentException.class, () -> new DenseGemmPlan(Kernel.SPLIT64, 2, 12));
        assertThrows(IllegalArgumentException.class, () -> new DenseGemmPlan(Kernel.TF32_TILE128, 2, 16));
        assertThrows(IllegalArgumentException.class, () -> new DenseGemmPlan(Kernel.TF32_SPLIT128, 2, 24));
    }

    @Test
    void tf32LargeProductsUseTheBigTilesAndSmallOnesTheOldKernel() {
        assertEquals(Kernel.TF32_TILE128, DenseGemmPlan.chooseTf32(Product.FORWARD, B, 1024, 2048).kernel());
        assertEquals(Kernel.TF32_TILE128, DenseGemmPlan.chooseTf32(Product.FORWARD, B, 256, 512).kernel());
        assertEquals(Kernel.TF32_TILE128, DenseGemmPlan.chooseTf32(Product.FORWARD, B, 512, 2048).kernel());
        assertEquals(Kernel.TF32_TILE128, DenseGemmPlan.chooseTf32(Product.BACKWARD_INPUT, B, 2048, 512).kernel());
        assertEquals(Kernel.TF32_TILE128, DenseGemmPlan.chooseTf32(Product.BACKWARD_INPUT, B, 512, 32).kernel());
        assertEquals(Kernel.TF32_TILE128, DenseGemmPlan.chooseTf32(Product.BACKWARD_WEIGHT, 2048, 4096, B).kernel());
        // thin layers, small batches
        assertEquals(Kernel.TF32_TILE64, DenseGemmPlan.chooseTf32(Product.FORWARD, B, 32, 512).kernel());
        assertEquals(Kernel.TF32_TILE64, DenseGemmPlan.chooseTf32(Product.FORWARD, B, 1, 32).kernel());
        assertEquals(Kernel.TF32_TILE64, DenseGemmPlan.chooseTf32(Product.BACKWARD_INPUT, B, 32, 1).kernel());
        assertEquals(Kernel.TF32_TILE64, DenseGemmPlan.chooseTf32(Product.FORWARD, 301, 1024, 2048).kernel());
        assertEquals(Kernel.TF32_TILE64, DenseGemmPlan.chooseTf32(Product.FORWARD, 64, 4096, 4096).kernel());
        // thin dW over many rows: split over k on the 64×64 TF32 tiles, as in FP32
        DenseGemmPlan thin = DenseGemmPlan.chooseTf32(Product.BACKWARD_WEIGHT, 32, 512, B);  // D's 512 -> 32
        assertEquals(Kernel.TF32_SPLIT64, thin.kernel());
        assertEquals(32, thin.splits());
        assertEquals(256, thin.kChunk());
        assertEquals(Kernel.TF32_SPLIT64, DenseGemmPlan.chooseTf32(Product.BACKWARD_WEIGHT, 1, 32, B).kernel());
        assertEquals(Kernel.TF32_TILE128, DenseGemmPlan.chooseTf32(Product.BACKWARD_WEIGHT, 1024, 2048, 301).kernel());
        assertEquals(Kernel.TF32_TILE64, DenseGemmPlan.chooseTf32(Product.BACKWARD_WEIGHT, 256, 512, 301).kernel());
    }

    @Test
    void tf32DWOverManyRowsIsSplitInSixteenRowMultiples() {
        DenseGemmPlan g = DenseGemmPlan.chooseTf32(Product.BACKWARD_WEIGHT, 256, 512, B);  // G's 512 -> 256
        assertEquals(Kernel.TF32_SPLIT128, g.kernel());
        assertEquals(32, g.splits());
        assertEquals(256, g.kChunk());
        DenseGemmPlan wide = DenseGemmPlan.chooseTf32(Product.BACKWARD_WEIGHT, 1024, 2048, B);
        assertEquals(Kernel.TF32_SPLIT128, wide.kernel());
        assertEquals(2, wide.splits());
        DenseGemmPlan odd = DenseGemmPlan.chooseTf32(Product.BACKWARD_WEIGHT, 512, 512, 1000);
        assertEquals(Kernel.TF32_SPLIT128, odd.kernel());
        assertEquals(0, odd.kChunk() % 16);
        assertTrue((long) odd.splits() * odd.kChunk() >= 1000 && (long) (odd.splits() - 1) * odd.kChunk() < 1000);
        for (int k : new int[] {1, 15, 16, 17, 1000, 8191}) {
            DenseGemmPlan p = DenseGemmPlan.split(Kernel.TF32_SPLIT128, k, 3);
            assertEquals(0, p.kChunk() % 16, "chunk of " + k);
            assertTrue((long) (p.splits() - 1) * p.kChunk() < k, "no empty split for k = " + k);
        }
    }

    @Test
    void eachPrecisionHasItsOwnPlannerAndKernels() {
        for (Product p : Product.values()) {
            for (int[] s : new int[][] {{B, 1024, 2048}, {1, 1, 1}, {32, 512, B}, {B, 32, 512}}) {
                assertEquals(Precision.FP32, DenseGemmPlan.planner(Precision.FP32).plan(p, s[0], s[1], s[2])
                        .kernel().precision);
                assertEquals(Precision.TF32, DenseGemmPlan.planner(Precision.TF32).plan(p, s[0], s[1], s[2])
                        .kernel().precision);
            }
        }
    }

    /** CudaBackend launches "dense_forward" + suffix and so on: every such name is a kernel the build bundles. */
    @Test
    void everyKernelOfEveryProductIsOneTheRuntimeLoads() {
        for (Kernel k : Kernel.values()) {
            assertTrue(CudaRuntime.KERNELS.contains("dense_backward_weight" + k.suffix), k + " for dW");
            if (k.split()) continue;
            assertTrue(CudaRuntime.KERNELS.contains("dense_forward" + k.suffix), k + " forward");
            assertTrue(CudaRuntime.KERNELS.contains("dense_backward_input" + k.suffix), k + " for dIn");
        }
    }
}
