package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.RowParallel;
import dev.gcl.backend.reference.VectorMath;
import dev.gcl.verify.ParityTolerances;
import dev.gcl.verify.ParityTolerances.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenBLAS backend's streaming passes against the reference: row MSE and weighted MSE (FP32 lanes) within
 * {@link ParityTolerances#blasFp32()}'s bounds of {@link VectorMath} itself and bit-equal wherever a value is not
 * finite, the bias-and-activation and dz/dB passes bit-equal to the double arithmetic the backend ran before them;
 * on shapes around the chunk (256 columns) and lane-depth (8 chunks) sizes, with signed zeros, subnormals,
 * infinities and NaN among the values, on 1 and 2 threads.
 */
class BlasVectorMathTest {
    private static final int[] ROWS = {1, 2, 3, 4, 5, 7, 8, 9, 33, 130};
    private static final int[] COLS = {1, 2, 31, 255, 256, 257, 511, 512, 513, 1025, 2047, 2049, 4097, 9000};

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(4 * Math.max(1, n)).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static FloatBuffer values(SplittableRandom rnd, int n, boolean specials) {
        FloatBuffer b = direct(n);
        float[] odd = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL / 3, 1e30f, -1e-30f, Float.POSITIVE_INFINITY,
                Float.NaN};
        for (int i = 0; i < n; i++) {
            float v = (float) rnd.nextGaussian();
            if (specials && rnd.nextInt(50) == 0) v = odd[rnd.nextInt(odd.length)];
            b.put(i, v);
        }
        return b;
    }

    private static void assertBitEqual(FloatBuffer expected, FloatBuffer got, int n, String what) {
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(expected.get(i)), Float.floatToIntBits(got.get(i)),
                    () -> what + ": element differs");
        }
    }

    /** Within the op's blasFp32 bound where both are finite, else the same bits (NaN, ±infinity). */
    private static void assertWithin(String op, FloatBuffer expected, FloatBuffer got, int n, String what) {
        Tolerance t = ParityTolerances.blasFp32().of(op, 0);
        for (int i = 0; i < n; i++) {
            float e = expected.get(i), g = got.get(i);
            if (!Float.isFinite(e) || !Float.isFinite(g)) {
                assertEquals(Float.floatToIntBits(e), Float.floatToIntBits(g), what + ": element " + i);
            } else {
                double allowed = t.allowed(e, 0);
                int at = i;
                assertTrue(Math.abs((double) g - e) <= allowed,
                        () -> what + ": element " + at + " " + g + " against " + e + ", allowed " + allowed);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void mseOpsAreWithinTheirBoundsOfTheReference(int threads) {
        SplittableRandom rnd = new SplittableRandom(threads);
        try (RowParallel pool = new RowParallel(threads)) {
            VectorMath ref = new VectorMath(pool);
            BlasVectorMath fast = new BlasVectorMath(pool);
            for (int rows : ROWS) {
                for (int cols : COLS) {
                    boolean specials = rnd.nextInt(3) == 0;
                    String shape = rows + " x " + cols + (specials ? " with specials" : "");
                    FloatBuffer a = values(rnd, rows * cols, specials), b = values(rnd, rows * cols, specials);
                    FloatBuffer e1 = direct(rows), e2 = direct(rows);
                    ref.rowMse(a, b, e1, rows, cols);
                    fast.rowMse(a, b, e2, rows, cols);
                    assertWithin("row_mse", e1, e2, rows, "rowMse " + shape);
                    FloatBuffer w = direct(rows);
                    for (int r = 0; r < rows; r++) w.put(r, rnd.nextInt(4) == 0 ? 0f : (float) rnd.nextDouble());
                    for (FloatBuffer weights : new FloatBuffer[] {null, w}) {
                        FloatBuffer g1 = direct(rows * cols), g2 = direct(rows * cols);
                        FloatBuffer l1 = direct(1), l2 = direct(1);
                        ref.weightedMseGrad(a, b, weights, g1, l1, rows, cols);
                        fast.weightedMseGrad(a, b, weights, g2, l2, rows, cols);
                        String s = shape + (weights == null ? ", no weights" : ", weights");
                        assertWithin("weighted_mse grad", g1, g2, rows * cols, "weightedMseGrad dOut " + s);
                        assertWithin("weighted_mse loss", l1, l2, 1, "weightedMseGrad loss " + s);
                    }
                }
            }
        }
    }

    /** The bound is not slack: rows of many equal squares, where every float addition rounds, stay inside it. */
    @Test
    void rowMseOfAdversarialRowsStaysWithinItsBound() {
        int rows = 4, cols = BlasVectorMath.LANE_TERMS * BlasVectorMath.CHUNK * 3;
        FloatBuffer a = direct(rows * cols), b = direct(rows * cols);
        for (int i = 0; i < rows * cols; i++) a.put(i, 1f + 0x1p-12f * (i % 7));
        try (RowParallel pool = new RowParallel(1)) {
            FloatBuffer e1 = direct(rows), e2 = direct(rows);
            new VectorMath(pool).rowMse(a, b, e1, rows, cols);
            new BlasVectorMath(pool).rowMse(a, b, e2, rows, cols);
            assertWithin("row_mse", e1, e2, rows, "rowMse of near-equal squares");
        }
    }

    @Test
    void pairwiseSumAddsEveryTermOnce() {
        for (int n = 0; n <= 40; n++) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = 1 << (i % 20);
            float expected = 0;
            for (int i = 0; i < n; i++) expected += v[i];
            assertEquals(expected, BlasVectorMath.pairwiseSum(v, n), "n " + n);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void densePassesAreTheReferencesBits(int threads) {
        SplittableRandom rnd = new SplittableRandom(10 + threads);
        try (RowParallel pool = new RowParallel(threads)) {
            BlasVectorMath fast = new BlasVectorMath(pool);
            for (Activation act : Activation.values()) {
                for (int rows : ROWS) {
                    for (int cols : COLS) {
                        boolean specials = rnd.nextInt(3) == 0;
                        String shape = act + " " + rows + " x " + cols + (specials ? " with specials" : "");
                        int n = rows * cols;
                        FloatBuffer y = values(rnd, n, specials);
                        float[] bias = new float[cols];
                        for (int o = 0; o < cols; o++) bias[o] = (float) rnd.nextGaussian();
                        FloatBuffer expected = direct(n);
                        for (int r = 0; r < rows; r++) {
                            for (int o = 0; o < cols; o++) {
                                int i = r * cols + o;
                                expected.put(i, (float) act.apply((double) y.get(i) + bias[o]));
                            }
                        }
                        fast.biasActivation(y, bias, rows, cols, act);
                        assertBitEqual(expected, y, n, "biasActivation " + shape);

                        FloatBuffer out = values(rnd, n, specials), dOut = values(rnd, n, specials);
                        if (act == Activation.SIGMOID) {
                            for (int i = 0; i < n; i++) out.put(i, (float) rnd.nextDouble());
                        }
                        FloatBuffer dz1 = direct(n), dz2 = direct(n), gb1 = direct(cols), gb2 = direct(cols);
                        for (int o = 0; o < cols; o++) {
                            double acc = 0;
                            for (int r = 0; r < rows; r++) {
                                int i = r * cols + o;
                                double z = dOut.get(i) * act.derivativeFromOutput(out.get(i));
                                dz1.put(i, (float) z);
                                acc += z;
                            }
                            gb1.put(o, (float) acc);
                        }
                        fast.activationGrad(out, dOut, dz2, gb2, rows, cols, act);
                        assertBitEqual(dz1, dz2, n, "activationGrad dz " + shape);
                        assertBitEqual(gb1, gb2, cols, "activationGrad dB " + shape);
                    }
                }
            }
        }
    }
}
