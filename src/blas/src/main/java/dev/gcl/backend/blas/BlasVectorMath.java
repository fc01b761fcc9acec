package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.RowParallel;

import java.nio.FloatBuffer;

/**
 * The OpenBLAS backend's own streaming passes, at one core's memory speed where the arithmetic allows:
 *
 * <ul>
 *   <li>row MSE, and weighted MSE with its gradient (one read serves both), in FP32 as a GPU computes them: pieces
 *       of {@link #CHUNK} columns copied to heap arrays (in the L1 cache), where the JIT runs the differences,
 *       squares and sums in vector registers: column j of a piece adds its square into lane j of a float
 *       accumulator, at most {@link #LANE_TERMS} pieces deep, then the lanes are added pairwise (at most 8
 *       levels) and the result joins the row's double sum. Each square thus passes through at most 15 float
 *       additions: the result is within 20u (u = 2^-24) of the reference's double sum rounded to float, and the
 *       gradient (float) (k · (a − b)) within 4u, as {@link dev.gcl.verify.ParityTolerances#blasFp32()} holds it.
 *       A row whose float sum is not finite (a NaN or infinity among its values, or squares past float's range) is
 *       computed again with the reference's double arithmetic, so what the trainer's guards see is the
 *       reference's. The work is split by rows, never inside one row: results do not depend on the thread count;</li>
 *   <li>the dz/dB pass: for ReLU and identity the derivative is 0 or 1, so dz = dOut · act' is exactly a float and
 *       is computed in float (one float-to-double conversion per element, into dB's double sum, instead of
 *       three); ReLU's on heap pieces in vector registers (see {@code reluGradPieces}): the reference's bits;</li>
 *   <li>the bias-and-activation pass: identity and ReLU in float ((float) ((double) y + b) is the float sum: a
 *       double holds more than 2·24 + 2 bits, so rounding the exact sum to double and then to float is rounding it
 *       to float once), ReLU through {@link Math#max} on heap pieces in vector registers, a NaN set to +0 as RELU
 *       does: the reference's bits.</li>
 * </ul>
 *
 * The JIT of Java 17 vectorises a loop over heap arrays only when they share one index ({@code x[j]}, {@code b[j]};
 * not {@code bias[c + j]}), hence the bias cut into pieces and every piece copied to offset 0.
 *
 * Why float lanes (benchmarks/README.md, "Element-wise ops"): the reference's double sums convert each float to
 * double, which the JIT of Java 17 does one element at a time; at two conversions per element the double version
 * stayed at 4-6 GB/s on one core. Work is split over rows (column blocks for dB's column sums), never inside one
 * sum, so results do not depend on the thread count. One instance per backend; like the backend, not for
 * concurrent use. Public for the benchmarks ({@code dev.gcl.bench.ElementwiseOps}); not part of the library's API.
 */
public final class BlasVectorMath {
    /** Columns copied to the heap at a time, and a row's float lanes (256 measured fastest of 128 to 2,048). */
    static final int CHUNK = 256;
    /** Pieces of a row summed in the lanes before the lanes are added up (so at most 7 + 8 float additions). */
    static final int LANE_TERMS = 8;

    private static final class Scratch {
        final float[] x = new float[CHUNK];
        final float[] y = new float[CHUNK];
        final float[] lanes = new float[CHUNK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final RowParallel parallel;
    private double[] rowLossScratch = new double[0];

    public BlasVectorMath(RowParallel parallel) {
        this.parallel = parallel;
    }

    /** err[r] = mean_j (a − b)² of each row (a, b and err as in VectorMath.rowMse), in float lanes. */
    public void rowMse(FloatBuffer a, FloatBuffer b, FloatBuffer err, int rows, int cols) {
        parallel.forRange(rows, cols, (from, to) -> {
            Scratch s = SCRATCH.get();
            for (int r = from; r < to; r++) {
                double sum = laneSquaredDistance(a, b, null, 0f, r, cols, s);
                if (!Double.isFinite(sum)) sum = exactSquaredDistance(a, b, null, 0, r, cols);
                err.put(r, (float) (sum / cols));
            }
        });
    }

    /**
     * loss[0] = Σ_r w[r]·mean_j (out − target)² / Σ_r w[r] (0 when the weights sum to 0; weights null: all 1) and
     * dOut = 2·w[r]·(out − target) / (cols·Σ w): VectorMath.weightedMseGrad's formula, each row's sum in float
     * lanes, the sums over rows and weights in double as there.
     */
    public void weightedMseGrad(FloatBuffer out, FloatBuffer target, FloatBuffer weights, FloatBuffer dOut,
                                FloatBuffer loss, int rows, int cols) {
        double wSum = 0;
        for (int r = 0; r < rows; r++) wSum += weights == null ? 1.0 : weights.get(r);
        if (rowLossScratch.length < rows) rowLossScratch = new double[rows];
        double[] rowLoss = rowLossScratch;
        double scale = wSum > 0 ? 2.0 / (cols * wSum) : 0.0;
        parallel.forRange(rows, cols, (from, to) -> {
            Scratch s = SCRATCH.get();
            for (int r = from; r < to; r++) {
                double wr = weights == null ? 1.0 : weights.get(r);
                double k = scale * wr;
                double sum = laneSquaredDistance(out, target, dOut, (float) k, r, cols, s);
                if (!Double.isFinite(sum)) sum = exactSquaredDistance(out, target, dOut, k, r, cols);
                rowLoss[r] = wr * (sum / cols);
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        loss.put(0, wSum > 0 ? (float) (total / wSum) : 0f);
    }

    /**
     * Σ_j (a − b)² of row r: float squares summed in {@link #CHUNK} lanes, {@link #LANE_TERMS} pieces deep, the
     * lanes added pairwise, their totals in double. With grad not null, grad[r, j] = k · (a − b) in float.
     */
    private static double laneSquaredDistance(FloatBuffer a, FloatBuffer b, FloatBuffer grad, float k, int r,
                                              int cols, Scratch s) {
        float[] x = s.x, y = s.y, lanes = s.lanes;
        int off = r * cols;
        double total = 0;
        for (int c0 = 0; c0 < cols; c0 += CHUNK * LANE_TERMS) {
            int end = Math.min(cols, c0 + CHUNK * LANE_TERMS);
            int width = Math.min(CHUNK, end - c0);
            for (int j = 0; j < width; j++) lanes[j] = 0f;
            for (int c = c0; c < end; c += CHUNK) {
                int len = Math.min(CHUNK, end - c);
                a.get(off + c, x, 0, len);
                b.get(off + c, y, 0, len);
                if (grad == null) {
                    for (int j = 0; j < len; j++) {
                        float d = x[j] - y[j];
                        lanes[j] += d * d;
                    }
                } else {
                    for (int j = 0; j < len; j++) {
                        float d = x[j] - y[j];
                        lanes[j] += d * d;
                        y[j] = k * d;
                    }
                    grad.put(off + c, y, 0, len);
                }
            }
            total += pairwiseSum(lanes, width);
        }
        return total;
    }

    /** v[0] + ... + v[n − 1] in float, added pairwise (ceil(log2 n) additions per term); v is overwritten. */
    static float pairwiseSum(float[] v, int n) {
        if (n == 0) return 0f;
        while (n > 1) {
            int half = (n + 1) >>> 1;
            for (int j = 0; j < n - half; j++) v[j] += v[j + half];
            n = half;
        }
        return v[0];
    }

    /** The reference's row: Σ_j ((double) a − b)² in column order, grad (when not null) = (float) (k · d). */
    private static double exactSquaredDistance(FloatBuffer a, FloatBuffer b, FloatBuffer grad, double k, int r,
                                               int cols) {
        int off = r * cols;
        double sum = 0;
        for (int j = 0; j < cols; j++) {
            double d = (double) a.get(off + j) - b.get(off + j);
            sum += d * d;
            if (grad != null) grad.put(off + j, (float) (k * d));
        }
        return sum;
    }

    /**
     * y = act(y + bias) in place, y (rows, cols): ReLU and identity in float (the reference's double sum rounded
     * once is that float sum), sigmoid in double as the reference computes it. In place: a direct buffer's get
     * and put compile to plain loads and stores, and a copy to the heap first costs a pass of its own.
     */
    public void biasActivation(FloatBuffer y, float[] bias, int rows, int cols, Activation act) {
        float[][] biasPieces = act == Activation.RELU ? pieces(bias, cols) : null;
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                if (act == Activation.RELU) {
                    biasRelu(y, biasPieces, off, cols);
                } else if (act == Activation.IDENTITY) {
                    for (int o = 0; o < cols; o++) y.put(off + o, y.get(off + o) + bias[o]);
                } else {
                    for (int o = 0; o < cols; o++) y.put(off + o, (float) act.apply((double) y.get(off + o) + bias[o]));
                }
            }
        });
    }

    /** v[0, n) cut into pieces of {@link #CHUNK}, each its own array (see the class comment). */
    static float[][] pieces(float[] v, int n) {
        float[][] p = new float[(n + CHUNK - 1) / CHUNK][];
        for (int i = 0; i < p.length; i++) {
            p[i] = java.util.Arrays.copyOfRange(v, i * CHUNK, Math.min(n, (i + 1) * CHUNK));
        }
        return p;
    }

    /**
     * One row of y = relu(y + bias) in heap pieces, where the JIT runs {@link Math#max} in vector registers. Math.max
     * keeps a NaN where RELU gives +0: the outputs also go into float lanes (non-negative terms, which turn NaN only
     * through a NaN), and a row whose lanes hold one has its NaNs set to +0 afterwards. The scratch is the calling
     * thread's (allocated on its first call). Also the OpenBLAS scorer's ReLU pass ({@link BlasInference}).
     */
    static void biasRelu(FloatBuffer y, float[][] biasPieces, int off, int cols) {
        Scratch s = SCRATCH.get();
        float[] x = s.x, seen = s.lanes;
        for (int j = 0; j < CHUNK; j++) seen[j] = 0f;
        for (int i = 0, c = 0; c < cols; i++, c += CHUNK) {
            float[] b = biasPieces[i];
            int len = b.length;
            y.get(off + c, x, 0, len);
            for (int j = 0; j < len; j++) {
                float z = Math.max(x[j] + b[j], 0f);
                x[j] = z;
                seen[j] += z;
            }
            y.put(off + c, x, 0, len);
        }
        boolean nan = false;
        for (int j = 0; j < CHUNK; j++) nan |= seen[j] != seen[j];
        if (nan) {
            for (int o = 0; o < cols; o++) if (Float.isNaN(y.get(off + o))) y.put(off + o, 0f);
        }
    }

    /**
     * dz = dOut ⊙ act'(out) (the reference's double product, stored as float) and dB = column sums of that
     * double dz, rows ascending per column: the reference's dB bit for bit. Split over column blocks. For ReLU and
     * identity the derivative is 0 or 1, so z is exactly a float (dOut, a signed zero, or NaN where dOut is not
     * finite) and is computed in float: one conversion per element (into the double sum) instead of three.
     */
    public void activationGrad(FloatBuffer y, FloatBuffer dy, FloatBuffer dz, FloatBuffer gb, int rows, int cols,
                               Activation act) {
        parallel.forRange(cols, rows, (from, to) -> {
            double[] acc = new double[to - from];
            if (act == Activation.RELU && reluGradPieces(y, dy, dz, acc, from, to, rows, cols, SCRATCH.get())) {
                for (int o = from; o < to; o++) gb.put(o, (float) acc[o - from]);
                return;
            }
            java.util.Arrays.fill(acc, 0);  // a NaN among the outputs: again, one element at a time
            for (int r = 0; r < rows; r++) {
                int off = r * cols;
                if (act == Activation.RELU) {
                    for (int o = from; o < to; o++) {
                        float z = dy.get(off + o) * (float) Activation.reluStep(y.get(off + o));
                        dz.put(off + o, z);
                        acc[o - from] += z;
                    }
                } else if (act == Activation.IDENTITY) {
                    for (int o = from; o < to; o++) {
                        float z = dy.get(off + o);
                        dz.put(off + o, z);
                        acc[o - from] += z;
                    }
                } else {
                    for (int o = from; o < to; o++) {
                        double z = dy.get(off + o) * act.derivativeFromOutput(y.get(off + o));
                        dz.put(off + o, (float) z);
                        acc[o - from] += z;
                    }
                }
            }
            for (int o = from; o < to; o++) gb.put(o, (float) acc[o - from]);
        });
    }

    /**
     * ReLU's dz = dOut · step(out) for columns [from, to), on heap pieces whose arrays share one index, so the JIT
     * runs it in vector registers: step(y) = max(min(y · 2^126 · 2^126, 1), 0) is 1 for y in (0, +inf] (the
     * smallest subnormal times 2^252 is over 1) and +0 for every other y but NaN, where it is NaN; dOut · 1 and
     * dOut · 0 are the reference's products. dB's double sums follow, rows ascending per column, one element at a
     * time (Java 17 does not vectorise float-to-double). The steps also go into float lanes; false when one holds a
     * NaN (an output was NaN), and the caller computes the columns again as the reference does.
     */
    private static boolean reluGradPieces(FloatBuffer y, FloatBuffer dy, FloatBuffer dz, double[] acc, int from,
                                          int to, int rows, int cols, Scratch s) {
        float[] out = s.x, d = s.y, seen = s.lanes;
        for (int j = 0; j < CHUNK; j++) seen[j] = 0f;
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            for (int c = from; c < to; c += CHUNK) {
                int len = Math.min(CHUNK, to - c);
                y.get(off + c, out, 0, len);
                dy.get(off + c, d, 0, len);
                for (int j = 0; j < len; j++) {
                    float step = Math.max(Math.min(out[j] * 0x1p126f * 0x1p126f, 1f), 0f);
                    d[j] = d[j] * step;
                    seen[j] += step;
                }
                dz.put(off + c, d, 0, len);
                int base = c - from;
                for (int j = 0; j < len; j++) acc[base + j] += d[j];
            }
        }
        boolean nan = false;
        for (int j = 0; j < CHUNK; j++) nan |= seen[j] != seen[j];
        return !nan;
    }
}
