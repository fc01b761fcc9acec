package dev.gcl.backend.reference;

import dev.gcl.backend.NlTarget;
import dev.gcl.backend.RowParallel;

import java.nio.FloatBuffer;

/**
 * The reference's arithmetic of every op that is neither a dense layer ({@link DenseMath}) nor RMSprop
 * ({@link RmsPropMath}): row MSE, mean/std, threshold labels, min-max scaling, NL targets, the BCE and weighted MSE
 * losses and the row gather. Written once over {@link FloatBuffer}, so that {@link ReferenceBackend} (heap arrays,
 * wrapped) and the OpenBLAS backend (native memory) run the same code and stay bit-equal on these ops. Sums and
 * element-wise results are computed in double and rounded once to float; work is split across rows only, never
 * inside one sum, so results do not depend on the thread count.
 *
 * <p>One instance per backend: it holds the backend's thread pool and scratch arrays reused across calls (so that
 * an iteration allocates nothing that grows with the batch); like a backend, it is not for concurrent use.
 */
public final class VectorMath {
    private final RowParallel parallel;
    private int[] normalRowsScratch = new int[0];
    private double[] rowLossScratch = new double[0];

    /** Ops that split their rows over parallel's threads. */
    public VectorMath(RowParallel parallel) {
        this.parallel = parallel;
    }

    /** err[r] = mean over j of (a[r, j] − b[r, j])², a and b (rows, cols). */
    public void rowMse(FloatBuffer a, FloatBuffer b, FloatBuffer err, int rows, int cols) {
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                double s = 0;
                int off = r * cols;
                for (int j = 0; j < cols; j++) {
                    double d = (double) a.get(off + j) - b.get(off + j);
                    s += d * d;
                }
                err.put(r, (float) (s / cols));
            }
        });
    }

    /** stats = {mean, sample std (n − 1)} of v[0, n), two passes in double; n must be at least 2. */
    public static void meanStd(FloatBuffer v, int n, FloatBuffer stats) {
        if (n < 2) throw new IllegalArgumentException("mean/std needs n >= 2, got " + n);
        double sum = 0;
        for (int k = 0; k < n; k++) sum += v.get(k);
        double mean = sum / n;
        double ss = 0;
        for (int k = 0; k < n; k++) {
            double d = v.get(k) - mean;
            ss += d * d;
        }
        stats.put(0, (float) mean);
        stats.put(1, (float) Math.sqrt(ss / (n - 1)));
    }

    /** labels[j] = 1 where v[j] > mean + k·std (strictly) and mask[j] ≠ 0 (mask null: everywhere), else 0. */
    public static void thresholdLabels(FloatBuffer v, int n, FloatBuffer stats, double k, FloatBuffer mask,
                                       FloatBuffer labels) {
        double threshold = (double) stats.get(0) + k * (double) stats.get(1);
        for (int j = 0; j < n; j++) {
            boolean allowed = mask == null || mask.get(j) != 0f;
            labels.put(j, allowed && v.get(j) > threshold ? 1f : 0f);
        }
    }

    /** out = (v − min) / (max − min), or 0 everywhere when max = min. */
    public static void minMaxScale(FloatBuffer v, int n, FloatBuffer out) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            min = Math.min(min, v.get(j));
            max = Math.max(max, v.get(j));
        }
        double range = (double) max - min;
        for (int j = 0; j < n; j++) out.put(j, range > 0 ? (float) (((double) v.get(j) - min) / range) : 0f);
    }

    /**
     * The negative-learning targets and row weights of {@link dev.gcl.backend.Backend#nlTargets}: normal rows (and
     * every row under NONE, with weight 0 for anomalous ones) keep x; anomalous rows get ones, x + noise, or a
     * normal row picked by picks[r].
     */
    public void nlTargets(FloatBuffer x, FloatBuffer labels, NlTarget mode, FloatBuffer noise, FloatBuffer picks,
                          FloatBuffer targets, FloatBuffer weights, int rows, int cols) {
        if (normalRowsScratch.length < rows) normalRowsScratch = new int[rows];
        int[] normalRows = normalRowsScratch;
        int count = 0;
        for (int r = 0; r < rows; r++) if (labels.get(r) == 0f) normalRows[count++] = r;
        int normals = count;
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * cols;
                boolean anomalous = labels.get(r) != 0f;
                weights.put(r, anomalous && mode == NlTarget.NONE ? 0f : 1f);
                if (!anomalous || mode == NlTarget.NONE) {
                    targets.put(off, x, off, cols);
                    continue;
                }
                switch (mode) {
                    case ONES:
                        for (int j = 0; j < cols; j++) targets.put(off + j, 1f);
                        break;
                    case GAUSSIAN:
                        for (int j = 0; j < cols; j++) targets.put(off + j, x.get(off + j) + noise.get(off + j));
                        break;
                    case RANDOM_NORMAL:
                        int src = r;
                        if (normals > 0) {
                            int pick = Math.min(normals - 1, (int) ((double) picks.get(r) * normals));
                            src = normalRows[pick];
                        }
                        targets.put(off, x, src * cols, cols);
                        break;
                    default:
                        throw new IllegalStateException("unhandled mode " + mode);
                }
            }
        });
    }

    /**
     * PyTorch's BCELoss (mean, each log clamped at −100) of p against y into loss[0], and its gradient
     * (p − y) / max(p·(1 − p), 1e-12) / n into dP.
     */
    public static void bceLossGrad(FloatBuffer p, FloatBuffer y, FloatBuffer dP, FloatBuffer loss, int n) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double pj = p.get(j), yj = y.get(j);
            double logP = Math.max(StrictMath.log(pj), -100.0);
            double log1mP = Math.max(StrictMath.log(1.0 - pj), -100.0);
            sum += yj * logP + (1.0 - yj) * log1mP;
            dP.put(j, (float) ((pj - yj) / Math.max(pj * (1.0 - pj), 1e-12) / n));
        }
        loss.put(0, (float) (-sum / n));
    }

    /**
     * loss[0] = Σ_r w[r]·mean_j (out − target)² / Σ_r w[r] (0 when the weights sum to 0; weights null: all 1) and
     * its gradient dOut = 2·w[r]·(out − target) / (cols·Σ w).
     */
    public void weightedMseGrad(FloatBuffer out, FloatBuffer target, FloatBuffer weights, FloatBuffer dOut,
                                FloatBuffer loss, int rows, int cols) {
        double wSum = 0;
        for (int r = 0; r < rows; r++) wSum += weights == null ? 1.0 : weights.get(r);
        if (rowLossScratch.length < rows) rowLossScratch = new double[rows];
        double[] rowLoss = rowLossScratch;
        double scale = wSum > 0 ? 2.0 / (cols * wSum) : 0.0;
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) {
                double wr = weights == null ? 1.0 : weights.get(r);
                double s = 0;
                int off = r * cols;
                for (int j = 0; j < cols; j++) {
                    double d = (double) out.get(off + j) - target.get(off + j);
                    s += d * d;
                    dOut.put(off + j, (float) (scale * wr * d));
                }
                rowLoss[r] = wr * (s / cols);
            }
        });
        double total = 0;
        for (int r = 0; r < rows; r++) total += rowLoss[r];
        loss.put(0, wSum > 0 ? (float) (total / wSum) : 0f);
    }

    /** dst row r = src row indices[indexOffset + r], rows of cols floats. */
    public void gatherRows(FloatBuffer src, int[] indices, int indexOffset, FloatBuffer dst, int rows, int cols) {
        parallel.forRange(rows, cols, (from, to) -> {
            for (int r = from; r < to; r++) dst.put(r * cols, src, indices[indexOffset + r] * cols, cols);
        });
    }

    /** Refuses a gather of rows × cols floats into a destination of dstLength floats (a caller's bug). */
    public static void checkGather(int dstLength, int rows, int cols) {
        if ((long) rows * cols > dstLength) {
            throw new IllegalArgumentException("gather of " + rows + " rows x " + cols + " exceeds the destination's "
                    + dstLength + " floats");
        }
    }
}
