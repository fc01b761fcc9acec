package dev.gcl.verify;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.Precision;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every {@link Backend} op run on a candidate backend and on the reference (the CPU backend) with the same seeded
 * inputs, outputs poisoned with NaN before each launch, each output compared under {@link ParityTolerances}. The
 * CUDA parity tests and {@code gcl verify} both call these checks; each returns one {@link Comparison} per output.
 * Inputs come from Philox streams (seed, TEST, ·), so they are the same on every machine.
 */
public final class OpParity {
    private final Backend candidate;
    private final Backend reference;
    private final ParityTolerances.OpTolerances tolerances;

    /** A CUDA candidate: precision is its GEMM precision, which selects the dense ops' tolerances. */
    public OpParity(Backend candidate, Backend reference, Precision precision) {
        this(candidate, reference, ParityTolerances.cuda(precision));
    }

    /** Any candidate, with its tolerance table (e.g. {@link ParityTolerances#blasFp32()}). */
    public OpParity(Backend candidate, Backend reference, ParityTolerances.OpTolerances tolerances) {
        this.candidate = candidate;
        this.reference = reference;
        this.tolerances = tolerances;
    }

    // ---------------------------------------------------------------- inputs

    /** n floats uniform in [lo, hi) from stream (seed, TEST, stream). */
    public static float[] uniform(int n, double lo, double hi, long seed, int stream) {
        float[] u = new float[n];
        new RandomStream(seed, Purpose.TEST, stream).fillUniform(u, 0, n, 0);
        for (int i = 0; i < n; i++) u[i] = (float) (lo + (hi - lo) * u[i]);
        return u;
    }

    /** n floats N(0, std²) from stream (seed, TEST, stream). */
    public static float[] normal(int n, double std, long seed, int stream) {
        float[] z = new float[n];
        new RandomStream(seed, Purpose.TEST, stream).fillNormal(z, 0, n, 0f, (float) std, 0);
        return z;
    }

    // ---------------------------------------------------------------- running an op on both backends

    /** An op applied to buffers of one backend: ins uploaded as given, outs poisoned with NaN. */
    interface Op {
        void apply(Backend b, DeviceFloats[] ins, DeviceFloats[] outs);
    }

    /** Runs op on a backend and returns every buffer afterwards: the inputs (in-place ops), then the outputs. */
    private static float[][] runOn(Backend b, float[][] inputs, int[] outputSizes, Op op) {
        DeviceFloats[] ins = new DeviceFloats[inputs.length];
        DeviceFloats[] outs = new DeviceFloats[outputSizes.length];
        try {
            for (int k = 0; k < inputs.length; k++) {
                ins[k] = b.allocFloats(inputs[k].length);
                b.upload(inputs[k], 0, ins[k], 0, inputs[k].length);
            }
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
        } finally {
            for (DeviceFloats d : ins) if (d != null) b.free(d);
            for (DeviceFloats d : outs) if (d != null) b.free(d);
        }
    }

    /** What to compare: buffer index (see runOn), op name, GEMM depth and product magnitudes (TF32 only). */
    private record Check(int index, String op, int depth, double[] productMagnitude) {
        Check(int index, String op) {
            this(index, op, 0, null);
        }
    }

    private List<Comparison> compare(String shape, float[][] inputs, int[] outputSizes, Op op, Check... checks) {
        float[][] got = runOn(candidate, inputs, outputSizes, op);
        float[][] ref = runOn(reference, inputs, outputSizes, op);
        List<Comparison> results = new ArrayList<>();
        for (Check c : checks) {
            ParityTolerances.Tolerance t = tolerances.of(c.op(), c.depth());
            results.add(Comparison.of(c.op(), shape, got[c.index()], ref[c.index()],
                    t.productRtol() > 0 ? c.productMagnitude() : null, t));
        }
        return results;
    }

    /** Whether the op's tolerance at this depth has a Σ|a·b| term, so the magnitudes must be computed. */
    private boolean needsMagnitude(String op, int depth) {
        return tolerances.of(op, depth).productRtol() > 0;
    }

    // ---------------------------------------------------------------- the ops

    /** dense_forward at (rows, in) → out with this activation. */
    public List<Comparison> denseForward(int rows, int in, int out, Activation act, long seed) {
        float[][] ins = {normal(rows * in, 1, seed, 0), normal(out * in, 0.1, seed, 1), normal(out, 0.5, seed, 2)};
        // Σ_k |in[r,k]·w[o,k]| per output element, for the TF32 bound
        double[] magnitude = needsMagnitude("dense_forward", in) ? productMagnitude(ins[0], ins[1], rows, out, in) : null;
        return compare(rows + "x" + in + "->" + out + " " + act, ins, new int[] {rows * out},
                (b, i, o) -> b.denseForward(i[0], i[1], i[2], o[0], rows, in, out, act),
                new Check(3, "dense_forward", in, magnitude));
    }

    /** dense_backward (dIn, dW, dB) at (rows, in) → out with this activation. */
    public List<Comparison> denseBackward(int rows, int in, int out, Activation act, long seed) {
        float[] y = normal(rows * out, 1, seed, 2);
        if (act == Activation.SIGMOID) for (int k = 0; k < y.length; k++) y[k] = (float) (1 / (1 + Math.exp(-y[k])));
        if (act == Activation.RELU) for (int k = 0; k < y.length; k++) y[k] = Math.max(0f, y[k]);
        float[][] ins = {normal(rows * in, 1, seed, 0), normal(out * in, 0.1, seed, 1), y, normal(rows * out, 1, seed, 3)};
        double[] dInMagnitude = null, dWMagnitude = null;
        if (needsMagnitude("dense_backward dIn", out) || needsMagnitude("dense_backward dW", rows)) {
            float[] dz = new float[rows * out];  // dOut ⊙ act'(out), as the kernels compute it
            for (int k = 0; k < dz.length; k++) dz[k] = (float) (ins[3][k] * act.derivativeFromOutput(y[k]));
            dInMagnitude = productMagnitudeDIn(dz, ins[1], rows, in, out);
            dWMagnitude = productMagnitudeDW(dz, ins[0], rows, in, out);
        }
        return compare(rows + "x" + in + "->" + out + " " + act, ins, new int[] {rows * in, out * in, out},
                (b, i, o) -> b.denseBackward(i[0], i[1], i[2], i[3], o[0], o[1], o[2], rows, in, out, act),
                new Check(4, "dense_backward dIn", out, dInMagnitude),
                new Check(5, "dense_backward dW", rows, dWMagnitude), new Check(6, "dense_backward dB"));
    }

    public List<Comparison> rowMse(int rows, int cols, long seed) {
        float[][] ins = {normal(rows * cols, 1, seed, 0), normal(rows * cols, 1, seed, 1)};
        return compare(rows + "x" + cols, ins, new int[] {rows}, (b, i, o) -> b.rowMse(i[0], i[1], o[0], rows, cols),
                new Check(2, "row_mse"));
    }

    public List<Comparison> meanStd(int n, long seed) {
        float[][] ins = {uniform(n, -2, 5, seed, 0)};
        return compare("n=" + n, ins, new int[] {2}, (b, i, o) -> b.meanStd(i[0], n, o[0]), new Check(1, "mean_std"));
    }

    /** threshold_labels without and with a mask (20% of rows masked out), on the mean and std of the values. */
    public List<Comparison> thresholdLabels(int n, double k, long seed) {
        float[] v = normal(n, 1, seed, 0);
        float[] mask = uniform(n, 0, 1, seed, 1);
        for (int r = 0; r < n; r++) mask[r] = mask[r] < 0.2f ? 0f : 1f;
        return compare("n=" + n + " k=" + k, new float[][] {v, mask}, new int[] {2, n, n}, (b, i, o) -> {
            b.meanStd(i[0], n, o[0]);
            b.thresholdLabels(i[0], n, o[0], k, null, o[1]);
            b.thresholdLabels(i[0], n, o[0], k, i[1], o[2]);
        }, new Check(3, "threshold_labels"), new Check(4, "threshold_labels masked"));
    }

    public List<Comparison> minMaxScale(int n, long seed) {
        return compare("n=" + n, new float[][] {normal(n, 3, seed, 0)}, new int[] {n},
                (b, i, o) -> b.minMaxScale(i[0], n, o[0]), new Check(1, "min_max_scale"));
    }

    /** nl_targets with 10% of rows labelled anomalous. */
    public List<Comparison> nlTargets(NlTarget mode, int rows, int cols, long seed) {
        float[] labels = uniform(rows, 0, 1, seed, 0);
        for (int k = 0; k < rows; k++) labels[k] = labels[k] < 0.1f ? 1f : 0f;
        float[][] ins = {uniform(rows * cols, 0, 1, seed, 1), labels, normal(rows * cols, 1, seed, 2),
                uniform(rows, 0, 1, seed, 3)};
        return compare(rows + "x" + cols + " " + mode, ins, new int[] {rows * cols, rows},
                (b, i, o) -> b.nlTargets(i[0], i[1], mode, i[2], i[3], o[0], o[1], rows, cols),
                new Check(4, "nl_targets targets"), new Check(5, "nl_targets weights"));
    }

    /** bce_loss_grad with p = 0 and p = 1 among the inputs (the -100 clamp). */
    public List<Comparison> bceLossGrad(int n, long seed) {
        float[] p = uniform(n, 0, 1, seed, 0);
        p[0] = 0f;
        if (n > 1) p[1] = 1f;
        float[] y = uniform(n, 0, 1, seed, 1);
        for (int k = 0; k < n; k++) y[k] = y[k] < 0.3f ? 1f : 0f;
        return compare("n=" + n, new float[][] {p, y}, new int[] {n, 1},
                (b, i, o) -> b.bceLossGrad(i[0], i[1], o[0], o[1], n), new Check(2, "bce_grad"), new Check(3, "bce_loss"));
    }

    /** weighted_mse_grad with 0/1 weights (25% zero), then without weights. */
    public List<Comparison> weightedMseGrad(int rows, int cols, long seed) {
        float[] w = uniform(rows, 0, 1, seed, 2);
        for (int k = 0; k < rows; k++) w[k] = w[k] < 0.25f ? 0f : 1f;
        float[][] ins = {normal(rows * cols, 1, seed, 0), normal(rows * cols, 1, seed, 1), w};
        return compare(rows + "x" + cols, ins, new int[] {rows * cols, 1, rows * cols, 1}, (b, i, o) -> {
            b.weightedMseGrad(i[0], i[1], i[2], o[0], o[1], rows, cols);
            b.weightedMseGrad(i[0], i[1], null, o[2], o[3], rows, cols);
        }, new Check(3, "weighted_mse grad"), new Check(4, "weighted_mse loss"),
                new Check(5, "weighted_mse grad unweighted"), new Check(6, "weighted_mse loss unweighted"));
    }

    /** Three RMSprop steps (lr 2e-5, alpha 0.99, eps 1e-8, momentum 0.6) from zero state. */
    public List<Comparison> rmsprop(int n, long seed) {
        float[][] ins = {normal(n, 1, seed, 0), normal(n, 1, seed, 1), new float[n], new float[n]};
        return compare("n=" + n + " 3 steps", ins, new int[0], (b, i, o) -> {
            for (int step = 0; step < 3; step++) b.rmsprop(i[0], i[1], i[2], i[3], n, 2e-5, 0.99, 1e-8, 0.6, null, 0);
        }, new Check(0, "rmsprop param"), new Check(2, "rmsprop square_avg"), new Check(3, "rmsprop momentum_buf"));
    }

    /** gather_rows of rows rows from a permutation of srcRows, starting at index offset. */
    public List<Comparison> gatherRows(int srcRows, int rows, int cols, int offset, long seed) {
        if (offset + rows > srcRows) throw new IllegalArgumentException("offset + rows > srcRows");
        float[] src = uniform(srcRows * cols, -1, 1, seed, 0);
        int[] idx = new RandomStream(seed, Purpose.TEST, 1).permutation(srcRows);
        return compare(rows + " of " + srcRows + "x" + cols + " from " + offset, new float[][] {src},
                new int[] {rows * cols}, (b, i, o) -> {
                    DeviceInts di = b.allocInts(idx.length);
                    b.upload(idx, 0, di, 0, idx.length);
                    b.gatherRows(i[0], di, offset, o[0], rows, cols);
                    b.free(di);
                }, new Check(1, "gather_rows"));
    }

    public List<Comparison> philoxUniform(RandomStream s, long start, int n) {
        return compare("n=" + n + " start=" + start, new float[0][], new int[] {n},
                (b, i, o) -> b.philoxUniform(s, start, o[0], n), new Check(0, "philox_uniform"));
    }

    public List<Comparison> philoxNormal(RandomStream s, long start, int n) {
        return compare("n=" + n + " start=" + start, new float[0][], new int[] {n},
                (b, i, o) -> b.philoxNormal(s, start, 0.25f, 1.5f, o[0], n), new Check(0, "philox_normal"));
    }

    // ---------------------------------------------------------------- the suite of gcl verify

    /**
     * Every op once on shapes drawn from the seed (odd sizes, mostly not multiples of the 64-wide GEMM tiles),
     * the dense ops once per activation plus the 1×1→1 edge, every NL mode. Takes a second or two on the CPU.
     */
    public List<Comparison> randomSuite(long seed) {
        RandomStream shapes = new RandomStream(seed, Purpose.TEST, 1000);
        long[] draw = {0};
        java.util.function.IntBinaryOperator size = (lo, hi) -> lo + shapes.nextInt(draw[0]++, hi - lo + 1);
        List<Comparison> all = new ArrayList<>();
        for (Activation act : Activation.values()) {
            int rows = size.applyAsInt(65, 700), in = size.applyAsInt(17, 300), out = size.applyAsInt(1, 200);
            all.addAll(denseForward(rows, in, out, act, seed + act.ordinal()));
            all.addAll(denseBackward(rows, in, out, act, seed + 10 + act.ordinal()));
        }
        all.addAll(denseForward(1, 1, 1, Activation.SIGMOID, seed));
        all.addAll(denseBackward(1, 1, 1, Activation.RELU, seed));
        all.addAll(rowMse(size.applyAsInt(1, 1000), size.applyAsInt(1, 300), seed + 20));
        all.addAll(meanStd(size.applyAsInt(2, 200_000), seed + 21));
        all.addAll(thresholdLabels(size.applyAsInt(2, 5000), 0.1 * size.applyAsInt(0, 15), seed + 22));
        all.addAll(minMaxScale(size.applyAsInt(1, 5000), seed + 23));
        for (NlTarget mode : NlTarget.values()) {
            all.addAll(nlTargets(mode, size.applyAsInt(2, 3000), size.applyAsInt(1, 100), seed + 24 + mode.ordinal()));
        }
        all.addAll(bceLossGrad(size.applyAsInt(2, 5000), seed + 30));
        all.addAll(weightedMseGrad(size.applyAsInt(1, 700), size.applyAsInt(1, 300), seed + 31));
        all.addAll(rmsprop(size.applyAsInt(1, 20_000), seed + 32));
        int src = size.applyAsInt(2, 1000);
        int rows = size.applyAsInt(1, src);
        all.addAll(gatherRows(src, rows, size.applyAsInt(1, 100), size.applyAsInt(0, src - rows), seed + 33));
        RandomStream philox = new RandomStream(seed, Purpose.NOISE, size.applyAsInt(0, 1000));
        long start = size.applyAsInt(0, 1 << 30) * 16L + size.applyAsInt(0, 3);
        all.addAll(philoxUniform(philox, start, size.applyAsInt(1, 100_000)));
        all.addAll(philoxNormal(philox, start, size.applyAsInt(1, 100_000)));
        return all;
    }

    // ---------------------------------------------------------------- magnitudes of the GEMM products

    /** Σ_k |a[r,k]·b[o,k]|: the magnitudes of the forward product a · bᵀ, a (rows, depth), b (outs, depth). */
    static double[] productMagnitude(float[] a, float[] b, int rows, int outs, int depth) {
        double[] m = new double[rows * outs];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outs; o++) {
                double s = 0;
                for (int k = 0; k < depth; k++) s += Math.abs((double) a[r * depth + k] * b[o * depth + k]);
                m[r * outs + o] = s;
            }
        }
        return m;
    }

    /** Σ_o |dz[r,o]·w[o,i]|: the magnitudes of dIn = dz · w, (rows, in). */
    static double[] productMagnitudeDIn(float[] dz, float[] w, int rows, int in, int out) {
        double[] m = new double[rows * in];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double d = Math.abs(dz[r * out + o]);
                if (d == 0) continue;
                for (int i = 0; i < in; i++) m[r * in + i] += d * Math.abs(w[o * in + i]);
            }
        }
        return m;
    }

    /** Σ_r |dz[r,o]·x[r,i]|: the magnitudes of dW = dzᵀ · x, (out, in). */
    static double[] productMagnitudeDW(float[] dz, float[] x, int rows, int in, int out) {
        double[] m = new double[out * in];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double d = Math.abs(dz[r * out + o]);
                if (d == 0) continue;
                for (int i = 0; i < in; i++) m[o * in + i] += d * Math.abs(x[r * in + i]);
            }
        }
        return m;
    }

    /** "all 57 outputs within tolerance" or the failing ones, one per line. */
    public static String summary(List<Comparison> results) {
        StringBuilder sb = new StringBuilder();
        int failed = 0;
        for (Comparison c : results) {
            if (!c.passed()) {
                failed++;
                sb.append('\n').append(c.describe());
            }
        }
        return failed == 0 ? String.format(Locale.ROOT, "all %d outputs within tolerance", results.size())
                : failed + " of " + results.size() + " outputs outside tolerance:" + sb;
    }
}
