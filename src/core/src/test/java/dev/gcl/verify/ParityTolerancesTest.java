package dev.gcl.verify;

import dev.gcl.backend.Precision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The tolerance table covers every name the contract and parity checks use, and means what it says. */
class ParityTolerancesTest {

    private static Comparison compare(String op, float[] got, float[] ref) {
        return Comparison.of(op, "test", got, ref, null, ParityTolerances.of(op));
    }

    @Test
    void everyCheckedOpNameHasATolerance() {
        String[] names = {"dense_forward", "dense_backward dIn", "dense_backward dW", "dense_backward dB", "row_mse",
                "mean_std", "mean_std prefix", "threshold_labels k=0.1", "threshold_labels masked", "min_max_scale",
                "min_max_scale constant", "nl_targets targets ONES", "nl_targets weights", "bce_loss", "bce_grad",
                "weighted_mse loss", "weighted_mse grad", "weighted_mse grad unweighted", "unweighted mse",
                "rmsprop param", "rmsprop square_avg", "rmsprop momentum_buf", "gather_rows", "philox_uniform",
                "philox_normal"};
        for (String n : names) {
            assertDoesNotThrow(() -> ParityTolerances.of(n), n);
            for (Precision p : Precision.values()) assertDoesNotThrow(() -> ParityTolerances.of(n, p, 100), n);
        }
        assertThrows(IllegalArgumentException.class, () -> ParityTolerances.of("no_such_op"));
    }

    @Test
    void bitExactOpsRejectOneUlpAndLooseOpsAcceptIt() {
        float[] cpu = {1.5f, -2.25f};
        float[] oneUlp = {Math.nextUp(1.5f), -2.25f};
        assertFalse(compare("rmsprop param", oneUlp, cpu).passed());
        assertTrue(compare("row_mse", oneUlp, cpu).passed());
        Comparison c = compare("dense_forward", new float[] {1.5f, -2.0f}, cpu);
        assertFalse(c.passed());
        assertEquals(1, c.worst());
        assertTrue(c.describe().contains("worst [1]"), c.describe());
        assertEquals(0.25, c.maxAbs());
        assertEquals(0.25 / 2.25, c.maxRel(), 1e-15);
    }

    @Test
    void nanMatchesOnlyNan() {
        float[] ref = {Float.NaN, 1f};
        assertTrue(compare("rmsprop param", new float[] {Float.NaN, 1f}, ref).passed());
        Comparison c = compare("dense_forward", new float[] {Float.NaN, Float.NaN}, ref);
        assertEquals(1, c.failures());
        assertEquals(Double.POSITIVE_INFINITY, c.maxAbs());
        assertFalse(compare("dense_forward", new float[] {0f, 1f}, ref).passed(), "a number where NaN is expected");
    }

    @Test
    void tf32ToleranceAppliesOnlyToTensorCoreProductsAndGrowsWithDepth() {
        ParityTolerances.Tolerance t = ParityTolerances.of("dense_forward", Precision.TF32, 1000);
        double inputs = 0x1p-10 + 0x1p-22, truncation = 2000 * 0x1p-23 / (1 - 2000 * 0x1p-23);
        assertEquals(inputs + 0x1p-22 + (1 + inputs) * truncation, t.productRtol(), 1e-15);
        assertTrue(t.productRtol() > 0x1p-10 + 0x1p-22 + 0x1p-22 + 2 * 1000 * 0x1p-23, "truncation: twice K·2^-23");
        assertTrue(t.productRtol() > ParityTolerances.of("dense_forward", Precision.TF32, 10).productRtol());
        assertEquals(ParityTolerances.of("dense_backward dB"), ParityTolerances.of("dense_backward dB", Precision.TF32, 1000),
                "dB is summed by the FP32/double kernel in either precision");
        assertEquals(ParityTolerances.of("row_mse"), ParityTolerances.of("row_mse", Precision.TF32, 1000));
        assertEquals(ParityTolerances.of("dense_forward"), ParityTolerances.of("dense_forward", Precision.FP32, 1000));
        // the allowance is measured against Σ|a·b|, not the (possibly cancelled) result
        double[] magnitude = {100.0};
        assertTrue(Comparison.of("dense_forward", "t", new float[] {0.05f}, new float[] {0f}, magnitude, t).passed());
        assertFalse(Comparison.of("dense_forward", "t", new float[] {0.5f}, new float[] {0f}, magnitude, t).passed());
        assertTrue(t.describe().contains("Σ|a·b|"), t.describe());
    }

    @Test
    void contractToleranceIsNeverStricterThanTheContractDefault() {
        assertEquals(2e-6, ParityTolerances.contract("gather_rows"));
        assertEquals(1e-4, ParityTolerances.contract("dense_forward"));
    }

    @Test
    void trainingTolerancesOfTf32AreLooserAndBoundedByTheOptimiserStep() {
        ParityTolerances.Training fp32 = ParityTolerances.training(Precision.FP32, 1e-3, 0.99, 0.6, 5);
        ParityTolerances.Training tf32 = ParityTolerances.training(Precision.TF32, 1e-3, 0.99, 0.6, 5);
        assertTrue(tf32.lossRtol() > fp32.lossRtol());
        assertTrue(tf32.thresholdRtol() > fp32.thresholdRtol());
        assertEquals(2 * 5 * 1e-3 / 0.1 / 0.4, tf32.weightAtol(), 1e-12);
    }

    @Test
    void blasToleranceIsTheFp32AccumulationBoundOnGemmsFp32StepsOnRmspropAndTheMseLanesAndBitEqualElsewhere() {
        ParityTolerances.OpTolerances blas = ParityTolerances.blasFp32();
        double u = 0x1p-24;
        assertEquals(2048 * u / (1 - 2048 * u), blas.of("dense_forward", 2048).productRtol(), 1e-18);
        assertEquals(ParityTolerances.gammaFp32(8192) + u, blas.of("dense_backward dW", 8192).productRtol(), 1e-18);
        assertEquals(0x1p-22, blas.of("dense_backward dIn", 10).rtol());
        for (String op : new String[] {"dense_backward dB", "mean_std", "bce_loss", "philox_normal",
                "nl_targets targets ONES", "gather_rows"}) {
            assertTrue(blas.of(op, 100).bitEqual(), op + " repeats the reference's arithmetic");
        }
        // the MSE ops sum in FP32 lanes: 20u on the means and the loss, 4u on the gradient (class comment)
        for (String op : new String[] {"row_mse", "weighted_mse loss", "weighted_mse loss unweighted"}) {
            assertEquals(0x1p-19, blas.of(op, 100).rtol(), op);
            assertTrue(20 * u < blas.of(op, 100).rtol(), op);
        }
        assertEquals(0x1p-21, blas.of("weighted_mse grad", 0).rtol());
        assertEquals(0x1p-21, blas.of("weighted_mse grad unweighted", 0).rtol());
        assertEquals(0, blas.of("row_mse", 0).productRtol());
        // RMSprop steps in FP32: a few float roundings, not a GEMM bound
        assertEquals(0x1p-20, blas.of("rmsprop square_avg", 0).rtol());
        assertEquals(0x1p-19, blas.of("rmsprop momentum_buf", 0).rtol());
        assertEquals(0x1p-21, blas.of("rmsprop param", 0).rtol());
        assertEquals(0, blas.of("rmsprop param", 0).productRtol());
        assertThrows(IllegalArgumentException.class, () -> blas.of("no_such_op", 1));
        // an FP32 sum of 2048 products within the bound passes, twice the bound fails
        ParityTolerances.Tolerance t = blas.of("dense_forward", 2048);
        double[] magnitude = {1000.0};
        float within = (float) (0.9 * ParityTolerances.gammaFp32(2048) * 1000.0);
        float twice = (float) (2 * ParityTolerances.gammaFp32(2048) * 1000.0);
        assertTrue(Comparison.of("dense_forward", "t", new float[] {within}, new float[] {0f}, magnitude, t).passed());
        assertFalse(Comparison.of("dense_forward", "t", new float[] {twice}, new float[] {0f}, magnitude, t).passed());
        assertThrows(IllegalArgumentException.class, () -> ParityTolerances.gammaFp32(1 << 23));
    }

    @Test
    void cudaTableIsTheExistingPerPrecisionTable() {
        assertEquals(ParityTolerances.of("dense_forward", Precision.TF32, 300),
                ParityTolerances.cuda(Precision.TF32).of("dense_forward", 300));
        assertEquals(ParityTolerances.of("row_mse"), ParityTolerances.cuda(Precision.FP32).of("row_mse", 0));
    }
}
