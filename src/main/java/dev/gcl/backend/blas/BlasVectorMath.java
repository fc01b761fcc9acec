package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.RowParallel;

import java.nio.FloatBuffer;

/**
 * The OpenBLAS backend's streaming passes over (rows, cols) matrices in native memory: row MSE, the weighted MSE
 * loss and its gradient, the bias-and-activation pass after a forward product and the dz/dB pass before the
 * backward products. Each gives the bits of the reference's arithmetic ({@code dev.gcl.backend.reference.VectorMath}
 * and the dense layers' double arithmetic), only faster:
 *
 * <ul>
 *   <li>the data are read through bulk copies of short pieces into heap arrays (a few KiB, in the L1 cache), where
 *       the JIT compiles plain array loops, instead of one bounds-checked native access per element;</li>
 *   <li>a row's sum stays one double sum in column order, as the reference's, but {@link #BLOCK} rows are summed
 *       side by side in one loop: their chains of additions are independent, so the core overlaps them instead of
 *       waiting out one addition's latency per element;</li>
 *   <li>float results the reference computes in double and rounds once ((float) ((double) y + b) for the identity
 *       and ReLU layers) are computed in float: a double holds more than 2·24 + 2 bits, so a sum of two floats
 *       rounded to double and then to float is the correctly rounded float sum (the float addition itself).</li>
 * </ul>
 *
 * Work is split over row blocks (column blocks for dB's column sums), never inside one sum, so results do not
 * depend on the thread count. One instance per backend; like the backend, not for concurrent use.
 */
final class BlasVectorMath {
    /** Rows summed side by side. */
    static final int BLOCK = 4;
    /** Columns of one row copied to the heap at a time: BLOCK rows of three operands stay within 24 KiB. */
    static final int CHUNK = 512;

    private static final class Scratch {
        final float[] a = new float[BLOCK * CHUNK];
        final float[] b = new float[BLOCK * CHUNK];
        final float[] c = new float[BLOCK * CHUNK];
        final double[] acc = new double[CHUNK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final RowParallel parallel;
    private double[] rowLossScratch = new double[0];

    BlasVectorMath(RowParallel parallel) {
        this.parallel = parallel;
    }

    private static int blocks(int rows) {
        return (rows + BLOCK - 1) / BLOCK;
    }

    /** err[r] = mean over j of (a[r, j] − b[r, j])², each row's sum in double in column order. */
    void rowMse(FloatBuffer a, FloatBuffer b, FloatBuffer err, int rows, int cols) {
        parallel.forRange(blocks(rows), (long) BLOCK * cols, (from, to) -> {
            Scratch s = SCRATCH.get();
            double[] sums = new double[BLOCK];
            for (int blk = from; blk < to; blk++) {
                int r0 = blk * BLOCK, n = Math.min(BLOCK, rows - r0);
                squaredDistances(a, b, null, r0, n, cols, s, sums, null);
                for (int i = 0; i < n; i++) err.put(r0 + i, (float) (sums[i] / cols));
            }
        });
    }

    /**
     * loss[0] = Σ_r w[r]·mean_j (out − target)² / Σ_r w[r] (0 when the weights sum to 0; weights null: all 1) and
     * dOut = 2·w[r]·(out − target) / (cols·Σ w): VectorMath.weightedMseGrad's arithmetic, its sums in its order.
     */
    void weightedMseGrad(FloatBuffer out, FloatBuffer target, FloatBuffer weights, FloatBuffer dOut,
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
     * sums[i] = Σ_j (a − b)² of row r0 + i in double, column order, i in [0, n); with grad, also
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
                if (grad == null) {
                    for (int j = 0; j < len; j++) {
                        double d0 = (double) x[j] - y[j];
                        double d1 = (double) x[CHUNK + j] - y[CHUNK + j];
                        double d2 = (double) x[2 * CHUNK + j] - y[2 * CHUNK + j];
                        double d3 = (double) x[3 * CHUNK + j] - y[3 * CHUNK + j];
                        s0 += d0 * d0;
                        s1 += d1 * d1;
                        s2 += d2 * d2;
                        s3 += d3 * d3;
                    }
                } else {
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
                }
            } else {
                // the last rows of a batch that is not a multiple of BLOCK: one row at a time, same arithmetic
                for (int i = 0; i < n; i++) {
                    double acc = i == 0 ? s0 : i == 1 ? s1 : s2;
                    int base = i * CHUNK;
                    double k = rowScale == null ? 0 : rowScale[i];
                    for (int j = 0; j < len; j++) {
                        double d = (double) x[base + j] - y[base + j];
                        acc += d * d;
                        if (grad != null) g[base + j] = (float) (k * d);
                    }
                    if (i == 0) s0 = acc;
                    else if (i == 1) s1 = acc;
                    else s2 = acc;
                }
            }
            if (grad != null) {
                for (int i = 0; i < n; i++) grad.put((r0 + i) * cols + c0, g, i * CHUNK, len);
            }
        }
        sums[0] = s0;
        sums[1] = s1;
        sums[2] = s2;
        sums[3] = s3;
    }

    /**
     * y = act(y + bias) in place, y (rows, cols): ReLU and identity in float (the reference's double sum rounded
     * once is that float sum), sigmoid in double as the reference computes it.
     */
    void biasActivation(FloatBuffer y, float[] bias, int rows, int cols, Activation act) {
        int rowsPerChunk = Math.max(1, (BLOCK * CHUNK) / cols);
        int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
        parallel.forRange(chunks, (long) rowsPerChunk * cols, (from, to) -> {
            Scratch s = SCRATCH.get();
            float[] v = cols <= BLOCK * CHUNK ? s.a : new float[cols];
            for (int c = from; c < to; c++) {
                int r0 = c * rowsPerChunk, n = Math.min(rowsPerChunk, rows - r0);
                int len = n * cols, off = r0 * cols;
                y.get(off, v, 0, len);
                for (int i = 0; i < n; i++) {
                    int base = i * cols;
                    if (act == Activation.RELU) {
                        for (int o = 0; o < cols; o++) v[base + o] = Activation.relu(v[base + o] + bias[o]);
                    } else if (act == Activation.IDENTITY) {
                        for (int o = 0; o < cols; o++) v[base + o] = v[base + o] + bias[o];
                    } else {
                        for (int o = 0; o < cols; o++) v[base + o] = (float) act.apply((double) v[base + o] + bias[o]);
                    }
                }
                y.put(off, v, 0, len);
            }
        });
    }

    /**
     * dz = dOut ⊙ act'(out) (computed in double, stored as float) and dB = column sums of the double dz, rows
     * ascending per column: the reference's dB bit for bit. Split over column blocks of at most {@link #CHUNK}.
     */
    void activationGrad(FloatBuffer y, FloatBuffer dy, FloatBuffer dz, FloatBuffer gb, int rows, int cols,
                        Activation act) {
        int colBlocks = (cols + CHUNK - 1) / CHUNK;
        int parts = Math.max(colBlocks, Math.min(cols, parallel.threads()));  // every thread gets columns
        parallel.forRange(parts, Math.max(1L, (long) rows * cols / parts), (pFrom, pTo) -> {
            Scratch s = SCRATCH.get();
            float[] yv = s.a, dyv = s.b, dzv = s.c;
            double[] acc = s.acc;
            for (int p = pFrom; p < pTo; p++) {
                int from = (int) ((long) cols * p / parts), to = (int) ((long) cols * (p + 1) / parts);
                int w = to - from;
                if (w == 0) continue;
                java.util.Arrays.fill(acc, 0, w, 0.0);
                if (w == cols) {
                    int rowsPerPiece = Math.max(1, BLOCK * CHUNK / cols);
                    // whole rows: one contiguous piece of several rows at a time
                    for (int r0 = 0; r0 < rows; r0 += rowsPerPiece) {
                        int n = Math.min(rowsPerPiece, rows - r0), len = n * cols, off = r0 * cols;
                        y.get(off, yv, 0, len);
                        dy.get(off, dyv, 0, len);
                        for (int i = 0; i < n; i++) gradRow(yv, dyv, dzv, acc, i * cols, cols, act);
                        dz.put(off, dzv, 0, len);
                    }
                } else {  // w <= CHUNK: a piece of each row
                    for (int r = 0; r < rows; r++) {
                        int off = r * cols + from;
                        y.get(off, yv, 0, w);
                        dy.get(off, dyv, 0, w);
                        gradRow(yv, dyv, dzv, acc, 0, w, act);
                        dz.put(off, dzv, 0, w);
                    }
                }
                for (int o = 0; o < w; o++) gb.put(from + o, (float) acc[o]);
            }
        });
    }

    /**
     * One row's piece: dz[base + o] and acc[o] += z for o in [0, w). For ReLU and identity the derivative is 0 or 1,
     * so z = dOut · act' is exactly a float (dOut, or a signed zero, or NaN where dOut is not finite): computed in
     * float, it is the reference's double z, and dz is z itself.
     */
    private static void gradRow(float[] y, float[] dy, float[] dz, double[] acc, int base, int w, Activation act) {
        if (act == Activation.RELU) {
            for (int o = 0; o < w; o++) {
                float z = dy[base + o] * (float) Activation.reluStep(y[base + o]);
                dz[base + o] = z;
                acc[o] += z;
            }
        } else if (act == Activation.IDENTITY) {
            for (int o = 0; o < w; o++) {
                float z = dy[base + o];
                dz[base + o] = z;
                acc[o] += z;
            }
        } else {
            for (int o = 0; o < w; o++) {
                double z = dy[base + o] * act.derivativeFromOutput(y[base + o]);
                dz[base + o] = (float) z;
                acc[o] += z;
            }
        }
    }
}
