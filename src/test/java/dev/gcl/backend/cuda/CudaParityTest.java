package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.cpu.CpuBackend;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import dev.gcl.testing.TestArrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every op on the GPU against the CPU reference on the same random inputs, at odd sizes larger than one GEMM tile
 * (and edge sizes of 1), outputs poisoned with NaN before each launch; tolerances from {@link ParityTolerances}.
 */
class CudaParityTest {
    // odd, not multiples of the 64×64 GEMM tile or its 16-deep k slice, and more than one tile
    private static final int ROWS = 301, IN = 173, OUT = 67;

    private CudaBackend gpu;
    private CpuBackend cpu;

    @BeforeEach
    void open() {
        gpu = CudaTesting.backendOrSkip();
        cpu = new CpuBackend(2);
    }

    @AfterEach
    void close() {
        if (gpu != null) gpu.close();
        if (cpu != null) cpu.close();
    }

    /** An op applied to buffers of one backend: ins uploaded as given, outs poisoned with NaN. */
    interface Op {
        void apply(Backend b, DeviceFloats[] ins, DeviceFloats[] outs);
    }

    /** Runs op on a backend and returns every buffer afterwards: the inputs (in-place ops), then the outputs. */
    private static float[][] runOn(Backend b, float[][] inputs, int[] outputSizes, Op op) {
        DeviceFloats[] ins = new DeviceFloats[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            ins[k] = b.allocFloats(inputs[k].length);
            b.upload(inputs[k], 0, ins[k], 0, inputs[k].length);
        }
        DeviceFloats[] outs = new DeviceFloats[outputSizes.length];
        for (int k = 0; k < outs.length; k++) {
            outs[k] = b.allocFloats(outputSizes[k]);
            b.fill(outs[k], Float.NaN);
        }
        op.apply(b, ins, outs);
        float[][] all = new float[ins.length + outs.length][];
        for (int k = 0; k < all.length; k++) {
            DeviceFloats d = k < ins.length ? ins[k] : outs[k - ins.length];
            all[k] = new float[d.length()];
            b.download(d, 0, all[k], 0, all[k].length);
        }
        return all;
    }

    /** Runs op on both backends and checks the buffers named by index (see runOn) under the op names given. */
    private void compare(float[][] inputs, int[] outputSizes, Op op, Object... indexAndName) {
        float[][] g = runOn(gpu, inputs, outputSizes, op);
        float[][] c = runOn(cpu, inputs, outputSizes, op);
        for (int k = 0; k < indexAndName.length; k += 2) {
            int index = (Integer) indexAndName[k];
            ParityTolerances.check((String) indexAndName[k + 1], g[index], c[index]);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseForward(Activation act) {
        for (int[] s : new int[][] {{ROWS, IN, OUT}, {1, 1, 1}, {65, 17, 129}}) {
            int rows = s[0], in = s[1], out = s[2];
            float[][] ins = {TestArrays.normal(rows * in, 1, 20, 0), TestArrays.normal(out * in, 0.1, 20, 1),
                    TestArrays.normal(out, 0.5, 20, 2)};
            compare(ins, new int[] {rows * out},
                    (b, i, o) -> b.denseForward(i[0], i[1], i[2], o[0], rows, in, out, act),
                    3, "dense_forward " + act + " " + rows + "x" + in + "->" + out);
        }
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseBackward(Activation act) {
        for (int[] s : new int[][] {{ROWS, IN, OUT}, {1, 1, 1}, {1000, 33, 1}}) {
            int rows = s[0], in = s[1], out = s[2];
            float[] y = TestArrays.normal(rows * out, 1, 21, 2);
            if (act == Activation.SIGMOID) for (int k = 0; k < y.length; k++) y[k] = (float) (1 / (1 + Math.exp(-y[k])));
            if (act == Activation.RELU) for (int k = 0; k < y.length; k++) y[k] = Math.max(0f, y[k]);
            float[][] ins = {TestArrays.normal(rows * in, 1, 21, 0), TestArrays.normal(out * in, 0.1, 21, 1), y,
                    TestArrays.normal(rows * out, 1, 21, 3)};
            String size = " " + act + " " + rows + "x" + in + "->" + out;
            compare(ins, new int[] {rows * in, out * in, out},
                    (b, i, o) -> b.denseBackward(i[0], i[1], i[2], i[3], o[0], o[1], o[2], rows, in, out, act),
                    4, "dense_backward dIn" + size, 5, "dense_backward dW" + size, 6, "dense_backward dB" + size);
        }
    }

    @Test
    void rowMse() {
        float[][] ins = {TestArrays.normal(ROWS * IN, 1, 22, 0), TestArrays.normal(ROWS * IN, 1, 22, 1)};
        compare(ins, new int[] {ROWS}, (b, i, o) -> b.rowMse(i[0], i[1], o[0], ROWS, IN), 2, "row_mse");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 1001, 100_003})
    void meanStd(int n) {
        float[][] ins = {TestArrays.uniform(n, -2, 5, 23, 0)};
        compare(ins, new int[] {2}, (b, i, o) -> b.meanStd(i[0], n, o[0]), 1, "mean_std n=" + n);
    }

    @Test
    void thresholdLabelsWithAndWithoutMask() {
        int n = 1001;
        float[] v = TestArrays.normal(n, 1, 24, 0);
        float[] mask = TestArrays.uniform(n, 0, 1, 24, 1);
        for (int k = 0; k < n; k++) mask[k] = mask[k] < 0.2f ? 0f : 1f;
        for (double k : new double[] {0.0, 0.1, 1.0}) {
            compare(new float[][] {v, mask}, new int[] {2, n, n}, (b, i, o) -> {
                b.meanStd(i[0], n, o[0]);
                b.thresholdLabels(i[0], n, o[0], k, null, o[1]);
                b.thresholdLabels(i[0], n, o[0], k, i[1], o[2]);
            }, 3, "threshold_labels k=" + k, 4, "threshold_labels masked k=" + k);
        }
    }

    @Test
    void minMaxScale() {
        int n = 4099;
        compare(new float[][] {TestArrays.normal(n, 3, 25, 0)}, new int[] {n},
                (b, i, o) -> b.minMaxScale(i[0], n, o[0]), 1, "min_max_scale");
    }

    @ParameterizedTest
    @EnumSource(NlTarget.class)
    void nlTargets(NlTarget mode) {
        int rows = 3001, cols = 37;
        float[] labels = TestArrays.uniform(rows, 0, 1, 26, 0);
        for (int k = 0; k < rows; k++) labels[k] = labels[k] < 0.1f ? 1f : 0f;
        float[][] ins = {TestArrays.uniform(rows * cols, 0, 1, 26, 1), labels, TestArrays.normal(rows * cols, 1, 26, 2),
                TestArrays.uniform(rows, 0, 1, 26, 3)};
        compare(ins, new int[] {rows * cols, rows},
                (b, i, o) -> b.nlTargets(i[0], i[1], mode, i[2], i[3], o[0], o[1], rows, cols),
                4, "nl_targets targets " + mode, 5, "nl_targets weights " + mode);
    }

    @Test
    void bceLossGrad() {
        int n = 4099;
        float[] p = TestArrays.uniform(n, 0, 1, 27, 0);
        p[0] = 0f;
        p[1] = 1f;
        float[] y = TestArrays.uniform(n, 0, 1, 27, 1);
        for (int k = 0; k < n; k++) y[k] = y[k] < 0.3f ? 1f : 0f;
        compare(new float[][] {p, y}, new int[] {n, 1}, (b, i, o) -> b.bceLossGrad(i[0], i[1], o[0], o[1], n),
                2, "bce_grad", 3, "bce_loss");
    }

    @Test
    void weightedMseGrad() {
        int rows = ROWS, cols = IN;
        float[] w = TestArrays.uniform(rows, 0, 1, 28, 2);
        for (int k = 0; k < rows; k++) w[k] = w[k] < 0.25f ? 0f : 1f;
        float[][] ins = {TestArrays.normal(rows * cols, 1, 28, 0), TestArrays.normal(rows * cols, 1, 28, 1), w};
        compare(ins, new int[] {rows * cols, 1, rows * cols, 1}, (b, i, o) -> {
            b.weightedMseGrad(i[0], i[1], i[2], o[0], o[1], rows, cols);
            b.weightedMseGrad(i[0], i[1], null, o[2], o[3], rows, cols);
        }, 3, "weighted_mse grad", 4, "weighted_mse loss", 5, "weighted_mse grad unweighted",
                6, "weighted_mse loss unweighted");
    }

    @Test
    void rmspropThreeSteps() {
        int n = 10_007;
        float[][] ins = {TestArrays.normal(n, 1, 29, 0), TestArrays.normal(n, 1, 29, 1), new float[n], new float[n]};
        compare(ins, new int[0], (b, i, o) -> {
            for (int step = 0; step < 3; step++) b.rmsprop(i[0], i[1], i[2], i[3], n, 2e-5, 0.99, 1e-8, 0.6);
        }, 0, "rmsprop param", 2, "rmsprop square_avg", 3, "rmsprop momentum_buf");
    }

    @Test
    void gatherRows() {
        int cols = 37, srcRows = 500, rows = 301;
        float[] src = TestArrays.uniform(srcRows * cols, -1, 1, 30, 0);
        int[] idx = new RandomStream(30, Purpose.TEST, 1).permutation(srcRows);
        compare(new float[][] {src}, new int[] {rows * cols}, (b, i, o) -> {
            DeviceInts di = b.allocInts(idx.length);
            b.upload(idx, 0, di, 0, idx.length);
            b.gatherRows(i[0], di, 7, o[0], rows, cols);
        }, 1, "gather_rows");
    }

    @Test
    void philoxNormalFromOddStarts() {
        RandomStream s = new RandomStream(0x1234_5678_9abcL, Purpose.NOISE, 17);
        for (long start : new long[] {0, 3, (1L << 34) - 5}) {
            int n = 100_001;
            compare(new float[0][], new int[] {n}, (b, i, o) -> b.philoxNormal(s, start, 0.25f, 1.5f, o[0], n),
                    0, "philox_normal start=" + start);
        }
    }
}
