package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.RowParallel;

import java.nio.FloatBuffer;

/**
 * The OpenBLAS backend's own streaming passes, each giving the bits of the reference's arithmetic
 * ({@code dev.gcl.backend.reference.VectorMath}'s weighted MSE, the dense layers' double arithmetic) with fewer
 * instructions per element:
 *
 * <ul>
 *   <li>weighted MSE and its gradient: pieces of {@link #BLOCK} rows copied to heap arrays (in the L1 cache) and
 *       the rows' double sums run side by side, each in the reference's column order: one read serves the loss
 *       and the gradient, and four independent chains of additions overlap;</li>
 *   <li>the dz/dB pass: for ReLU and identity the derivative is 0 or 1, so dz = dOut · act' is exactly a float and
 *       is computed in float (one float-to-double conversion per element, into dB's double sum, instead of
 *       three);</li>
 *   <li>the bias-and-activation pass: identity and ReLU in float ((float) ((double) y + b) is the float sum: a
 *       double holds more than 2·24 + 2 bits, so rounding the exact sum to double and then to float is rounding it
 *       to float once), ReLU through {@link Math#max} with no data-dependent branch.</li>
 * </ul>
 *
 * Measured and left out (benchmarks/README.md, "Element-wise ops"): row MSE with four rows side by side, in place
 * or through heap pieces, was slower than the reference's one-row loop, which streams two arrays and is bound by
 * memory here; the backend keeps VectorMath's row MSE. Work is split over row blocks (column blocks for dB's
 * column sums), never inside one sum, so results do not depend on the thread count. One instance per backend;
 * like the backend, not for concurrent use. Public for the benchmarks ({@code dev.gcl.bench.ElementwiseOps}); not
 * part of the library's API.
 */
public final class BlasVectorMath {
    /** Rows summed side by side. */
    static final int BLOCK = 4;
    /** Columns of one row copied to the heap at a time: BLOCK rows of three operands stay within 24 KiB. */
    static final int CHUNK = 512;

    private static final class Scratch {
        final float[] a = new float[BLOCK * CHUNK];
        final float[] b = new float[BLOCK * CHUNK];
        final float[] c = new float[BLOCK * CHUNK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final RowParallel parallel;
    private double[] rowLossScratch = new double[0];

    public BlasVectorMath(RowParallel parallel) {
        this.parallel = parallel;
    }

    private static int blocks(int rows) {
        return (rows + BLOCK - 1) / BLOCK;
    }

    /**
     * loss[0] = Σ_r w[r]·mean_j (out − target)² / Σ_r w[r] (0 when the weights sum to 0; weights null: all 1) and
     * dOut = 2·w[r]·(out − target) / (cols·Σ w): VectorMath.weightedMseGrad's arithmetic, its sums in its order.
     */
    public void weightedMseGrad(FloatBuffer out, FloatBuffer target, FloatBuffer weights, FloatBuffer dOut,
                         FloatBuffer loss, int rows, int cols) {
        double wSum = 0;
        for (int r = 0; r < rows; r++) wSum += weights == null ? 1.0 : weights.get(r);
        if (rowLossScratch.length < rows) rowLossScratch = new double[rows];
        double[] rowLoss = rowLossScratch;
        double scale = wSum > 0 ? 2.0 / (cols * wSum) : 0.0;
        parallel.forRange(blocks(rows), (long) BLOCK * cols, (from, to) -> {
            Scratch s = SCRATCH.get();
            double[] sums = new double[BLOCK];
            double[] rowScale = new double[BLOCK];
            for (int blk = from; blk < to; blk++) {
                int r0 = blk * BLOCK, n = Math.min(BLOCK, rows - r0);
                for (int i = 0; i < n; i++) {
                    double wr = weights == null ? 1.0 : weights.get(r0 + i);
                    rowScale[i] = scale * wr;  // the reference's scale * wr * d is (scale * wr) * d
                }
                squaredDistances(out, target, dOut, r0, n, cols, s, sums, rowScale);
                for (int i = 0; i < n; i++) {
                    double wr = weights == null ? 1.0 : weights.get(r0 + i);
                    rowLoss[r0 + i] = wr * (sums[i] / cols);
                }
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        loss.put(0, wSum > 0 ? (float) (total / wSum) : 0f);
    }

    /**
     * sums[i] = Σ_j (a − b)² of row r0 + i in double, column order, i in [0, n), and
     * grad[r0 + i, j] = (float) (rowScale[i] · (a − b)).
     */
    private static void squaredDistances(FloatBuffer a, FloatBuffer b, FloatBuffer grad, int r0, int n, int cols,
                                         Scratch s, double[] sums, double[] rowScale) {
        float[] x = s.a, y = s.b, g = s.c;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int c0 = 0; c0 < cols; c0 += CHUNK) {
            int len = Math.min(CHUNK, cols - c0);
            for (int i = 0; i < n; i++) {
                int off = (r0 + i) * cols + c0;
                a.get(off, x, i * CHUNK, len);
                b.get(off, y, i * CHUNK, len);
            }
            if (n == BLOCK) {
                double k0 = rowScale[0], k1 = rowScale[1], k2 = rowScale[2], k3 = rowScale[3];
                for (int j = 0; j < len; j++) {
                    double d0 = (double) x[j] - y[j];
                    double d1 = (double) x[CHUNK + j] - y[CHUNK + j];
                    double d2 = (double) x[2 * CHUNK + j] - y[2 * CHUNK + j];
                    double d3 = (double) x[3 * CHUNK + j] - y[3 * CHUNK + j];
                    s0 += d0 * d0;
                    s1 += d1 * d1;
                    s2 += d2 * d2;
                    s3 += d3 * d3;
                    g[j] = (float) (k0 * d0);
                    g[CHUNK + j] = (float) (k1 * d1);
                    g[2 * CHUNK + j] = (float) (k2 * d2);
                    g[3 * CHUNK + j] = (float) (k3 * d3);
                }
            } else {
                // the last rows of a batch that is not a multiple of BLOCK: one row at a time, same arithmetic
                for (int i = 0; i < n; i++) {
                    double acc = i == 0 ? s0 : i == 1 ? s1 : s2;
                    int base = i * CHUNK;
                    double k = rowScale[i];
                    for (int j = 0; j < len; j++) {
                        double d = (double) x[base + j] - y[base + j];
                        acc += d * d;
                        g[base + j] = (float) (k * d);
                    }
                    if (i == 0) s0 = acc;
                    else if (i == 1) s1 = acc;
                    else s2 = acc;
                }
            }
            for (int i = 0; i < n; i++) grad.put((r0 + i) * cols + c0, g, i * CHUNK, len);
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }

    /**
     * y = act(y + bias) in place, y (rows, cols): ReLU and identity in float (the reference's double sum rounded
     * once is that float sum), sigmoid in double as the reference computes it. In place: a direct buffer's get
     * and put compile to plain loads and stores, and a copy to the heap first costs a pass of its own.
     */
    public void biasActivation(FloatBuffer y, float[] bias, int rows, int cols, Activation act) {
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                if (act == Activation.RELU) {
                    for (int o = 0; o < cols; o++) y.put(off + o, relu(y.get(off + o) + bias[o]));
                } else if (act == Activation.IDENTITY) {
                    for (int o = 0; o < cols; o++) y.put(off + o, y.get(off + o) + bias[o]);
                } else {
                    for (int o = 0; o < cols; o++) y.put(off + o, (float) act.apply((double) y.get(off + o) + bias[o]));
                }
            }
        });
    }

    /**
     * RELU.apply's float: z for z > 0, else +0 (NaN included). Math.max compiles to a max instruction with no
     * data-dependent branch (and gives +0 for −0, as RELU does); the NaN test is a branch never taken in practice.
     */
    static float relu(float z) {
        return z != z ? 0f : Math.max(z, 0f);
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
}
