package dev.gcl.backend;

import dev.gcl.backend.reference.RmsPropMath;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import dev.gcl.testing.TestArrays;
import dev.gcl.testing.Validate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The contract every {@link Backend} must meet: each op against its direct formula (computed here in double) on
 * random inputs with odd sizes, outputs poisoned with NaN before each launch. Subclasses supply the backend and,
 * where their arithmetic differs from the reference, looser tolerances.
 */
public abstract class BackendContractTest {
    // odd sizes: not multiples of 4, 8 or 32
    protected static final int ROWS = 13, IN = 37, OUT = 19;

    protected Backend backend;

    protected abstract Backend createBackend();

    /** Tolerance (atol = rtol) for results of the named op family. */
    protected double tolerance(String op) {
        return 2e-6;
    }

    @BeforeEach
    void open() {
        backend = createBackend();
    }

    @AfterEach
    void closeBackend() {
        if (backend != null) backend.close();
    }

    protected DeviceFloats dev(float[] a) {
        DeviceFloats d = backend.allocFloats(a.length);
        backend.upload(a, 0, d, 0, a.length);
        return d;
    }

    protected DeviceFloats poisoned(int n) {
        DeviceFloats d = backend.allocFloats(n);
        backend.fill(d, Float.NaN);
        return d;
    }

    protected float[] host(DeviceFloats d) {
        float[] a = new float[d.length()];
        backend.download(d, 0, a, 0, a.length);
        return a;
    }

    private void check(String op, float[] got, double[] expected) {
        double t = tolerance(op);
        Validate.close(op, got, expected, t, t);
    }

    // ---------------------------------------------------------------- buffers

    @Test
    void uploadDownloadRoundTripWithOffsets() {
        float[] a = TestArrays.uniform(50, -1, 1, 1, 0);
        DeviceFloats d = backend.allocFloats(60);
        assertEquals(60, d.length());
        backend.upload(a, 5, d, 10, 40);
        float[] back = new float[45];
        backend.download(d, 10, back, 5, 40);
        for (int i = 0; i < 40; i++) assertEquals(a[5 + i], back[5 + i]);
        assertEquals(0f, host(d)[0], "new buffers are zero-filled");
    }

    @Test
    void freeingTwiceIsAnError() {
        DeviceFloats d = backend.allocFloats(3);
        backend.free(d);
        assertThrows(IllegalArgumentException.class, () -> backend.free(d));
    }

    // ---------------------------------------------------------------- dense

    static double[] denseForwardReference(float[] x, float[] w, float[] b, int rows, int in, int out,
                                          Activation act) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double z = b[o];
                for (int i = 0; i < in; i++) z += (double) x[r * in + i] * w[o * in + i];
                y[r * out + o] = act.apply(z);
            }
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseForwardMatchesFormula(Activation act) {
        float[] x = TestArrays.normal(ROWS * IN, 1, 2, 0);
        float[] w = TestArrays.normal(OUT * IN, 0.3, 2, 1);
        float[] b = TestArrays.normal(OUT, 0.5, 2, 2);
        DeviceFloats out = poisoned(ROWS * OUT);
        backend.denseForward(dev(x), dev(w), dev(b), out, ROWS, IN, OUT, act);
        check("dense_forward", host(out), denseForwardReference(x, w, b, ROWS, IN, OUT, act));
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseBackwardMatchesFormula(Activation act) {
        float[] x = TestArrays.normal(ROWS * IN, 1, 3, 0);
        float[] w = TestArrays.normal(OUT * IN, 0.3, 3, 1);
        float[] b = TestArrays.normal(OUT, 0.5, 3, 2);
        float[] dy = TestArrays.normal(ROWS * OUT, 1, 3, 3);
        DeviceFloats in = dev(x), wt = dev(w), y = poisoned(ROWS * OUT);
        backend.denseForward(in, wt, dev(b), y, ROWS, IN, OUT, act);
        float[] yh = host(y);
        DeviceFloats dIn = poisoned(ROWS * IN), dW = poisoned(OUT * IN), dB = poisoned(OUT);
        backend.denseBackward(in, wt, y, dev(dy), dIn, dW, dB, ROWS, IN, OUT, act);

        double[] dz = new double[ROWS * OUT];
        for (int k = 0; k < dz.length; k++) dz[k] = dy[k] * act.derivativeFromOutput(yh[k]);
        double[] eIn = new double[ROWS * IN], eW = new double[OUT * IN], eB = new double[OUT];
        for (int r = 0; r < ROWS; r++) {
            for (int o = 0; o < OUT; o++) {
                double z = dz[r * OUT + o];
                eB[o] += z;
                for (int i = 0; i < IN; i++) {
                    eIn[r * IN + i] += z * w[o * IN + i];
                    eW[o * IN + i] += z * x[r * IN + i];
                }
            }
        }
        check("dense_backward dIn", host(dIn), eIn);
        check("dense_backward dW", host(dW), eW);
        check("dense_backward dB", host(dB), eB);
    }

    /**
     * Gradients against central finite differences of L = Σ dy ⊙ act(x·wᵀ + b), the forward evaluated in double.
     * Inputs are chosen so no ReLU pre-activation lies within the step of its kink.
     */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseBackwardMatchesCentralFiniteDifferences(Activation act) {
        int rows = 5, in = 7, out = 3;
        float[] x = TestArrays.normal(rows * in, 1, 4, 0);
        float[] w = TestArrays.normal(out * in, 0.4, 4, 1);
        float[] b = TestArrays.normal(out, 0.5, 4, 2);
        float[] dy = TestArrays.normal(rows * out, 1, 4, 3);
        double[] xd = Validate.toDouble(x), wd = Validate.toDouble(w), bd = Validate.toDouble(b);
        DeviceFloats xin = dev(x), wt = dev(w), y = poisoned(rows * out);
        backend.denseForward(xin, wt, dev(b), y, rows, in, out, act);
        DeviceFloats dIn = poisoned(rows * in), dW = poisoned(out * in), dB = poisoned(out);
        backend.denseBackward(xin, wt, y, dev(dy), dIn, dW, dB, rows, in, out, act);

        double h = 1e-6;
        double[] fdX = new double[xd.length], fdW = new double[wd.length], fdB = new double[bd.length];
        for (double[][] pair : new double[][][] {{xd, fdX}, {wd, fdW}, {bd, fdB}}) {
            double[] p = pair[0], g = pair[1];
            for (int k = 0; k < p.length; k++) {
                double keep = p[k];
                p[k] = keep + h;
                double plus = objective(xd, wd, bd, dy, rows, in, out, act);
                p[k] = keep - h;
                double minus = objective(xd, wd, bd, dy, rows, in, out, act);
                p[k] = keep;
                g[k] = (plus - minus) / (2 * h);
            }
        }
        Validate.close("dIn vs finite differences", host(dIn), fdX, 1e-5, 1e-4);
        Validate.close("dW vs finite differences", host(dW), fdW, 1e-5, 1e-4);
        Validate.close("dB vs finite differences", host(dB), fdB, 1e-5, 1e-4);
    }

    private static double objective(double[] x, double[] w, double[] b, float[] dy, int rows, int in, int out,
                                    Activation act) {
        double l = 0;
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double z = b[o];
                for (int i = 0; i < in; i++) z += x[r * in + i] * w[o * in + i];
                assertTrue(act != Activation.RELU || Math.abs(z) > 1e-4, "pre-activation too close to the kink");
                l += dy[r * out + o] * act.apply(z);
            }
        }
        return l;
    }

    @Test
    void denseBackwardSkipsInputGradientWhenNull() {
        float[] x = TestArrays.normal(ROWS * IN, 1, 5, 0), w = TestArrays.normal(OUT * IN, 0.3, 5, 1);
        DeviceFloats xin = dev(x), wt = dev(w), y = poisoned(ROWS * OUT);
        backend.denseForward(xin, wt, dev(new float[OUT]), y, ROWS, IN, OUT, Activation.RELU);
        DeviceFloats dW = poisoned(OUT * IN), dB = poisoned(OUT);
        backend.denseBackward(xin, wt, y, dev(TestArrays.normal(ROWS * OUT, 1, 5, 2)), null, dW, dB, ROWS, IN,
                OUT, Activation.RELU);
        for (float v : host(dW)) assertFalse(Float.isNaN(v));
    }

    // ---------------------------------------------------------------- statistics and labels

    @Test
    void rowMseMatchesFormula() {
        float[] a = TestArrays.normal(ROWS * IN, 1, 6, 0), b = TestArrays.normal(ROWS * IN, 1, 6, 1);
        DeviceFloats err = poisoned(ROWS);
        backend.rowMse(dev(a), dev(b), err, ROWS, IN);
        double[] e = new double[ROWS];
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < IN; j++) e[r] += Math.pow((double) a[r * IN + j] - b[r * IN + j], 2) / IN;
        }
        check("row_mse", host(err), e);
    }

    @Test
    void meanStdMatchesCommonsMath() {
        float[] v = TestArrays.uniform(1001, -2, 5, 7, 0);
        org.apache.commons.math3.stat.descriptive.DescriptiveStatistics ds =
                new org.apache.commons.math3.stat.descriptive.DescriptiveStatistics(Validate.toDouble(v));
        DeviceFloats stats = poisoned(2);
        backend.meanStd(dev(v), v.length, stats);
        check("mean_std", host(stats), new double[] {ds.getMean(), ds.getStandardDeviation()});
    }

    @Test
    void meanStdUsesOnlyTheFirstNElements() {
        DeviceFloats stats = poisoned(2);
        backend.meanStd(dev(new float[] {1, 3, 1000}), 2, stats);
        check("mean_std prefix", host(stats), new double[] {2, Math.sqrt(2)});
    }

    @Test
    void thresholdLabelsMarkValuesAboveMeanPlusKStd() {
        float[] v = {1, 2, 3, 4, 10, 2, 3};
        DeviceFloats dv = dev(v), stats = poisoned(2), labels = poisoned(v.length);
        backend.meanStd(dv, v.length, stats);
        float[] s = host(stats);
        backend.thresholdLabels(dv, v.length, stats, 1.0, null, labels);
        double t = (double) s[0] + s[1];
        float[] l = host(labels);
        for (int i = 0; i < v.length; i++) assertEquals(v[i] > t ? 1f : 0f, l[i], "row " + i);
        assertEquals(1f, l[4]);
        assertEquals(1, sum(l));

        float[] mask = {1, 1, 1, 1, 0, 1, 1};
        backend.thresholdLabels(dv, v.length, stats, 0.0, dev(mask), labels);
        l = host(labels);
        assertEquals(0f, l[4], "masked rows are never anomalous");
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 0}, l, "k = 0: above the mean (3.571...) only");
    }

    @Test
    void thresholdIsStrict() {
        float[] v = {5, 5, 5, 5};
        DeviceFloats dv = dev(v), stats = poisoned(2), labels = poisoned(4);
        backend.meanStd(dv, 4, stats);
        backend.thresholdLabels(dv, 4, stats, 0.0, null, labels);
        assertEquals(0, sum(host(labels)), "equal values are not above mean + 0·std");
    }

    private static int sum(float[] a) {
        int s = 0;
        for (float x : a) s += (int) x;
        return s;
    }

    @Test
    void minMaxScaleMapsOntoTheUnitInterval() {
        float[] v = {3, -1, 7, 5};
        DeviceFloats out = poisoned(4);
        backend.minMaxScale(dev(v), 4, out);
        check("min_max_scale", host(out), new double[] {0.5, 0, 1, 0.75});
        backend.minMaxScale(dev(new float[] {2, 2, 2, 2}), 4, out);
        check("min_max_scale constant", host(out), new double[] {0, 0, 0, 0});
    }

    // ---------------------------------------------------------------- negative learning

    private static final float[] NL_LABELS = {0, 1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0};

    @ParameterizedTest
    @EnumSource(NlTarget.class)
    void nlTargetsFollowTheSpec(NlTarget mode) {
        int rows = NL_LABELS.length, cols = 11;
        float[] x = TestArrays.uniform(rows * cols, 0, 1, 8, 0);
        float[] noise = TestArrays.normal(rows * cols, 1, 8, 1);
        float[] picks = TestArrays.uniform(rows, 0, 1, 8, 2);
        DeviceFloats targets = poisoned(rows * cols), weights = poisoned(rows);
        backend.nlTargets(dev(x), dev(NL_LABELS), mode, dev(noise), dev(picks), targets, weights, rows, cols);
        float[] t = host(targets), w = host(weights);
        int[] normals = {0, 2, 3, 5, 7, 8, 9, 11, 12};
        for (int r = 0; r < rows; r++) {
            boolean anomalous = NL_LABELS[r] == 1;
            assertEquals(anomalous && mode == NlTarget.NONE ? 0f : 1f, w[r], "weight of row " + r);
            int src = r;
            if (anomalous && mode == NlTarget.RANDOM_NORMAL) src = normals[(int) (picks[r] * (double) normals.length)];
            for (int j = 0; j < cols; j++) {
                float expected;
                if (!anomalous || mode == NlTarget.NONE) expected = x[r * cols + j];
                else if (mode == NlTarget.ONES) expected = 1f;
                else if (mode == NlTarget.GAUSSIAN) expected = x[r * cols + j] + noise[r * cols + j];
                else expected = x[src * cols + j];
                assertEquals(expected, t[r * cols + j], "target (" + r + ", " + j + ") for " + mode);
            }
        }
    }

    @Test
    void randomNormalDrawsCoverEveryNormalRowUniformly() {
        int rows = 8, cols = 1;
        float[] labels = {1, 0, 1, 0, 0, 1, 1, 1};
        float[] x = {0, 1, 2, 3, 4, 5, 6, 7};
        int[] counts = new int[rows];
        DeviceFloats dx = dev(x), dl = dev(labels), picks = backend.allocFloats(rows);
        DeviceFloats targets = poisoned(rows), weights = poisoned(rows);
        for (int it = 0; it < 600; it++) {
            backend.philoxUniform(new RandomStream(1, Purpose.NL_PICK, it), 0, picks, rows);
            backend.nlTargets(dx, dl, NlTarget.RANDOM_NORMAL, null, picks, targets, weights, rows, cols);
            float[] t = host(targets);
            for (int r = 0; r < rows; r++) if (labels[r] == 1) counts[(int) t[r]]++;
        }
        assertEquals(0, counts[0] + counts[2] + counts[5] + counts[6] + counts[7], "only normal rows are drawn");
        for (int r : new int[] {1, 3, 4}) assertTrue(counts[r] > 900 && counts[r] < 1100, "row " + r + ": " + counts[r]);
    }

    // ---------------------------------------------------------------- losses

    @Test
    void bceLossAndGradientFollowPyTorch() {
        float[] p = {0.1f, 0.9f, 0.5f, 0.999f, 1e-3f, 0f, 1f, 0.3f, 0.7f};
        float[] y = {0, 1, 1, 0, 1, 0, 0, 1, 0.25f};
        int n = p.length;
        DeviceFloats dP = poisoned(n), loss = poisoned(1);
        backend.bceLossGrad(dev(p), dev(y), dP, loss, n);
        double l = 0;
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double logP = Math.max(Math.log(p[i]), -100), log1m = Math.max(Math.log(1 - (double) p[i]), -100);
            l -= y[i] * logP + (1 - y[i]) * log1m;
            g[i] = (p[i] - (double) y[i]) / Math.max(p[i] * (1.0 - p[i]), 1e-12) / n;
        }
        check("bce_loss", host(loss), new double[] {l / n});
        check("bce_grad", host(dP), g);
        assertEquals(100.0 / n, l / n, 3, "p = 1 with label 0 costs the clamped 100");
    }

    @Test
    void weightedMseLossAndGradientMatchFormula() {
        int rows = 9, cols = 13;
        float[] out = TestArrays.normal(rows * cols, 1, 9, 0), t = TestArrays.normal(rows * cols, 1, 9, 1);
        float[] w = {1, 0, 1, 1, 0, 1, 1, 1, 0};
        DeviceFloats dOut = poisoned(rows * cols), loss = poisoned(1);
        backend.weightedMseGrad(dev(out), dev(t), dev(w), dOut, loss, rows, cols);
        double wSum = 6, l = 0;
        double[] g = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                double d = (double) out[r * cols + j] - t[r * cols + j];
                s += d * d / cols;
                g[r * cols + j] = 2 * w[r] * d / (cols * wSum);
            }
            l += w[r] * s;
        }
        check("weighted_mse loss", host(loss), new double[] {l / wSum});
        check("weighted_mse grad", host(dOut), g);

        backend.weightedMseGrad(dev(out), dev(t), null, dOut, loss, rows, cols);
        double plain = 0;
        for (int k = 0; k < rows * cols; k++) plain += Math.pow((double) out[k] - t[k], 2);
        check("unweighted mse", host(loss), new double[] {plain / (rows * cols)});
    }

    @Test
    void weightedMseWithAllWeightsZeroIsZero() {
        DeviceFloats dOut = poisoned(6), loss = poisoned(1);
        backend.weightedMseGrad(dev(new float[] {1, 2, 3, 4, 5, 6}), dev(new float[6]), dev(new float[2]), dOut, loss,
                2, 3);
        assertEquals(0f, host(loss)[0]);
        for (float v : host(dOut)) assertEquals(0f, v);
    }

    // ---------------------------------------------------------------- optimiser

    @Test
    void rmspropMatchesTheDoubleReferenceRoundedToFloat() {
        int n = 101;
        float[] p = TestArrays.normal(n, 1, 10, 0), v0 = TestArrays.uniform(n, 0, 0.01, 10, 1);
        float[] m0 = TestArrays.normal(n, 0.1, 10, 2), g = TestArrays.normal(n, 1, 10, 3);
        DeviceFloats dp = dev(p), dv = dev(v0), dm = dev(m0);
        backend.rmsprop(dp, dev(g), dv, dm, n, 1e-3, 0.99, 1e-8, 0.6, null, 0);
        double[] ep = new double[n], ev = new double[n], em = new double[n];
        for (int i = 0; i < n; i++) {
            double[] s = {p[i], v0[i], m0[i]};
            RmsPropMath.step(s, g[i], 1e-3, 0.99, 1e-8, 0.6);
            ep[i] = s[0];
            ev[i] = s[1];
            em[i] = s[2];
        }
        check("rmsprop param", host(dp), ep);
        check("rmsprop square_avg", host(dv), ev);
        check("rmsprop momentum_buf", host(dm), em);
    }

    @Test
    void rmspropWithAFiniteGuardStepsAsWithoutOne() {
        int n = 37;
        float[] p = TestArrays.normal(n, 1, 11, 0), g = TestArrays.normal(n, 1, 11, 3);
        DeviceFloats guarded = dev(p), plain = dev(p), v1 = dev(new float[n]), v2 = dev(new float[n]);
        DeviceFloats m1 = dev(new float[n]), m2 = dev(new float[n]), dg = dev(g);
        backend.rmsprop(guarded, dg, v1, m1, n, 1e-3, 0.99, 1e-8, 0.6, dev(new float[] {0.5f, -3f, 1e30f}), 3);
        backend.rmsprop(plain, dg, v2, m2, n, 1e-3, 0.99, 1e-8, 0.6, null, 0);
        assertArrayEquals(host(plain), host(guarded));
        assertArrayEquals(host(v2), host(v1));
        assertArrayEquals(host(m2), host(m1));
    }

    @Test
    void rmspropWithANonFiniteValueInItsGuardChangesNothing() {
        int n = 37;
        float[] p = TestArrays.normal(n, 1, 12, 0), v = TestArrays.uniform(n, 0, 0.01, 12, 1);
        float[] m = TestArrays.normal(n, 0.1, 12, 2), g = TestArrays.normal(n, 1, 12, 3);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            DeviceFloats dp = dev(p), dv = dev(v), dm = dev(m);
            // the bad value is the guard's last one; a value past guardLength would not count
            backend.rmsprop(dp, dev(g), dv, dm, n, 1e-3, 0.99, 1e-8, 0.6, dev(new float[] {1f, bad}), 2);
            assertArrayEquals(p, host(dp), "param, guard holding " + bad);
            assertArrayEquals(v, host(dv), "square_avg, guard holding " + bad);
            assertArrayEquals(m, host(dm), "momentum_buf, guard holding " + bad);
        }
        DeviceFloats dp = dev(p);
        backend.rmsprop(dp, dev(g), dev(v), dev(m), n, 1e-3, 0.99, 1e-8, 0.6, dev(new float[] {1f, Float.NaN}), 1);
        assertFalse(java.util.Arrays.equals(p, host(dp)), "only guard[0, guardLength) is read");
    }

    @Test
    void copyMovesARangeBetweenBuffers() {
        DeviceFloats src = dev(new float[] {1, 2, 3, 4, 5}), dst = dev(new float[] {9, 9, 9, 9});
        backend.copy(src, 1, dst, 2, 2);
        assertArrayEquals(new float[] {9, 9, 2, 3}, host(dst));
        backend.copy(src, 0, dst, 0, 0);
        assertArrayEquals(new float[] {9, 9, 2, 3}, host(dst), "n = 0 copies nothing");
    }

    // ---------------------------------------------------------------- data movement and random numbers

    @Test
    void gatherRowsFollowsTheIndexVectorFromAnOffset() {
        int cols = 7;
        float[] src = TestArrays.uniform(10 * cols, 0, 1, 11, 0);
        int[] idx = {9, 9, 3, 0, 5, 2};
        DeviceInts di = backend.allocInts(idx.length);
        backend.upload(idx, 0, di, 0, idx.length);
        DeviceFloats dst = poisoned(4 * cols);
        backend.gatherRows(dev(src), di, 2, dst, 4, cols);
        float[] got = host(dst);
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < cols; j++) assertEquals(src[idx[2 + r] * cols + j], got[r * cols + j]);
        }
    }

    @Test
    void gatherHostRowsCopiesTheIndexedRowsOfHostFeaturesFromAnOffset() {
        int cols = 7;
        float[] src = TestArrays.uniform(10 * cols, 0, 1, 12, 0);
        int[] idx = {9, 9, 3, 0, 5, 2};
        DeviceFloats dst = poisoned(4 * cols);
        backend.gatherHostRows(new dev.gcl.io.HeapFeatureRows(src, 10, cols), idx, 2, dst, 4);
        float[] got = host(dst);
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < cols; j++) assertEquals(src[idx[2 + r] * cols + j], got[r * cols + j]);
        }
    }

    @Test
    void gatherHostRowsReturnsTheRowsAskedForWhateverWasPrefetched() {
        int cols = 6;
        float[] src = TestArrays.uniform(12 * cols, 0, 1, 14, 0);
        dev.gcl.io.FeatureRows rows = new dev.gcl.io.HeapFeatureRows(src, 12, cols);
        int[] idx = {11, 4, 7, 0, 3, 3, 8, 1};
        DeviceFloats dst = poisoned(3 * cols);
        // prefetched and asked for: the same rows
        backend.prefetchHostRows(rows, idx, 1, 3);
        backend.gatherHostRows(rows, idx, 1, dst, 3);
        assertRows(src, cols, new int[] {4, 7, 0}, host(dst), "prefetched batch");
        // prefetched, then other rows asked for: those
        backend.prefetchHostRows(rows, idx, 4, 3);
        backend.gatherHostRows(rows, idx, 5, dst, 3);
        assertRows(src, cols, new int[] {3, 8, 1}, host(dst), "a batch other than the prefetched one");
        // the index array rewritten after the prefetch (a new epoch's order): the new rows
        backend.prefetchHostRows(rows, idx, 0, 2);
        idx[0] = 2;
        idx[1] = 9;
        backend.gatherHostRows(rows, idx, 0, dst, 2);
        assertRows(src, cols, new int[] {2, 9}, java.util.Arrays.copyOf(host(dst), 2 * cols), "indices rewritten");
    }

    private static void assertRows(float[] src, int cols, int[] rows, float[] got, String what) {
        for (int r = 0; r < rows.length; r++) {
            for (int j = 0; j < cols; j++) assertEquals(src[rows[r] * cols + j], got[r * cols + j], what);
        }
    }

    @Test
    void residentRowsWhenGivenHoldTheFeaturesForGatherRows() {
        int cols = 5;
        float[] src = TestArrays.uniform(9 * cols, -1, 1, 13, 0);
        DeviceFloats resident = backend.residentRows(new dev.gcl.io.HeapFeatureRows(src, 9, cols));
        if (resident == null) {   // the CPU backends gather from host memory: nothing to hold
            assertNotEquals("cuda", backend.name(), "a device holds rows that fit it");
            return;
        }
        assertEquals(src.length, resident.length());
        assertArrayEquals(src, host(resident));
    }

    @Test
    void philoxFillsEqualTheJavaStreams() {
        RandomStream s = new RandomStream(123, Purpose.NOISE, 4);
        int n = 1031;
        DeviceFloats u = poisoned(n), z = poisoned(n);
        backend.philoxUniform(s, 17, u, n);
        backend.philoxNormal(s, 17, 0.5f, 2f, z, n);
        float[] eu = new float[n], ez = new float[n];
        s.fillUniform(eu, 0, n, 17);
        s.fillNormal(ez, 0, n, 0.5f, 2f, 17);
        assertArrayEquals(eu, host(u), "uniforms are exact on every backend");
        check("philox_normal", host(z), Validate.toDouble(ez));
    }
}
