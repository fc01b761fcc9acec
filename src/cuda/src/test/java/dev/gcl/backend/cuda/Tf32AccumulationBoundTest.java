package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.Precision;
import dev.gcl.verify.ParityTolerances;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The TF32 parity bound ({@link ParityTolerances#of(String, Precision, int)}) at the largest GEMM depth the trainer
 * uses, K = 8192 (the rows of a B = 8192 dW), on both TF32 tile kernels. Under the stand-in the mma is its twin of
 * the tensor cores' truncating accumulation (native-build/standin/gcl_emulation.cpp, fused_block); on a GPU, the
 * hardware's. Inputs are exact in TF32, so all the error is the accumulation's: a sum whose small products each lie
 * just under the accumulator's last bit (a truncating adder drops every one of them: the worst case of truncation
 * per product), random positive products (truncation's bias never cancels), and random signs.
 */
class Tf32AccumulationBoundTest {
    private static final int K = CudaTesting.trimmed() ? 1024 : 8192;  // trimmed: the sanitizer passes
    private static final int OUT = 3;

    private CudaBackend small, big;

    @BeforeEach
    void open() {
        CudaTesting.assumeCuda();
        small = new CudaBackend(Precision.TF32, (p, m, n, k) -> DenseGemmPlan.whole(DenseGemmPlan.Kernel.TF32_TILE64));
        big = new CudaBackend(Precision.TF32, (p, m, n, k) -> DenseGemmPlan.whole(DenseGemmPlan.Kernel.TF32_TILE128));
    }

    @AfterEach
    void close() {
        for (CudaBackend b : new CudaBackend[] {small, big}) if (b != null) b.close();
    }

    /** x (1, K) · w (OUT, K)ᵀ on a backend: OUT sums of K products. */
    private static float[] forward(CudaBackend g, float[] x, float[] w) {
        DeviceFloats dx = g.allocFloats(K), dw = g.allocFloats(OUT * K), b = g.allocFloats(OUT), y = g.allocFloats(OUT);
        g.upload(x, 0, dx, 0, K);
        g.upload(w, 0, dw, 0, OUT * K);
        g.denseForward(dx, dw, b, y, 1, K, OUT, Activation.IDENTITY);
        float[] out = new float[OUT];
        g.download(y, 0, out, 0, OUT);
        for (DeviceFloats d : new DeviceFloats[] {dx, dw, b, y}) g.free(d);
        return out;
    }

    /** The largest error as a fraction of the TF32 bound, over both kernels and the OUT sums. */
    private double worstFractionOfTheBound(float[] x, float[] w) {
        ParityTolerances.Tolerance t = ParityTolerances.of("dense_forward", Precision.TF32, K);
        double worst = 0;
        for (CudaBackend g : new CudaBackend[] {small, big}) {
            float[] got = forward(g, x, w);
            for (int o = 0; o < OUT; o++) {
                double exact = 0, magnitude = 0;
                for (int k = 0; k < K; k++) {
                    double p = (double) x[k] * w[o * K + k];  // exact: TF32 inputs
                    exact += p;
                    magnitude += Math.abs(p);
                }
                worst = Math.max(worst, Math.abs(got[o] - exact) / t.allowed(exact, magnitude));
            }
        }
        return worst;
    }

    /** x rounded to TF32 (10 mantissa bits) toward zero: exact TF32 inputs, so the products are exact too. */
    private static float tf32(double x) {
        return Float.intBitsToFloat(Float.floatToRawIntBits((float) x) & ~0x1fff);
    }

    @Test
    void productsJustUnderTheAccumulatorsLastBitStayWithinTheBound() {
        // 1·1, then K - 1 products of (2 - 2^-10)·2^-24: each just under ulp(1) = 2^-23, all cut by a truncating
        // adder whose largest term is the accumulator (about 1); round to nearest would keep them
        float[] x = new float[K], w = new float[OUT * K];
        java.util.Arrays.fill(x, 1f);
        float tiny = tf32((2 - 0x1p-10) * 0x1p-24);
        for (int o = 0; o < OUT; o++) {
            w[o * K] = 1f;
            for (int k = 1; k < K; k++) w[o * K + k] = tiny;
        }
        double fraction = worstFractionOfTheBound(x, w);
        assertTrue(fraction <= 1, "error " + fraction + " of the TF32 bound");
        if (CudaTesting.onStandIn()) {
            // the twin truncates: it loses nearly every small product, (K - 1)·0.9995·2^-23 ≈ K·2^-23 in all, about
            // a third of the bound; rounding each mma to nearest would lose next to nothing
            float got = forward(small, x, w)[0];
            double lost = 1 + (K - 1) * (double) tiny - got;
            assertTrue(lost > 0.9 * K * 0x1p-23, "the twin's accumulation truncates: lost " + lost);
        }
    }

    @Test
    void randomProductsStayWithinTheBound() {
        Random random = new Random(18);
        for (boolean positive : new boolean[] {true, false}) {
            float[] x = new float[K], w = new float[OUT * K];
            for (int k = 0; k < K; k++) x[k] = tf32(positive ? random.nextDouble() : random.nextGaussian());
            for (int i = 0; i < w.length; i++) w[i] = tf32(positive ? random.nextDouble() : random.nextGaussian());
            double fraction = worstFractionOfTheBound(x, w);
            assertTrue(fraction <= 1, (positive ? "positive" : "mixed") + " products: " + fraction + " of the bound");
        }
    }
}
