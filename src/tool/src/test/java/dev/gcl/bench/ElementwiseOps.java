package dev.gcl.bench;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.Backends;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.NlTarget;

import dev.gcl.backend.RowParallel;
import dev.gcl.backend.blas.BlasVectorMath;
import dev.gcl.backend.reference.VectorMath;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * The element-wise (non-GEMM) ops of a backend at a training batch's size, in GB/s: each op's bytes read and
 * written once (the least any implementation must move) over its median wall time. Through the {@link Backend}
 * interface, so the same harness measures any version of a backend. Beside them, the machine's own streaming
 * figures on one thread: a bulk copy between two direct buffers (memcpy) and a read-only pass. Where a "before"
 * exists (the code the backend ran until issue 32), before and after alternate rep by rep and their ratio is
 * printed: of median CPU time with one thread (what the op costs, even on a shared machine), of median wall time
 * with more (the work runs on the pool's threads). With more than one thread the CPU columns mean nothing.
 *
 * <p>The dense-layer passes are measured with a thin product (K = 16) in front: "denseForward K16" is sgemm + the
 * bias-and-ReLU pass, "denseBackward K16" is the dz/dB pass + the dIn and dW sgemms; their byte counts are the
 * passes' alone, so they understate the passes' own speed.
 *
 * <pre>java -cp target/test-classes:target/classes:'target/lib/*' dev.gcl.bench.ElementwiseOps \
 *     [rows 8192] [cols 2048] [threads 1] [reps 15] [backend blas]</pre>
 */
public final class ElementwiseOps {
    private ElementwiseOps() {
    }

    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 8192;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        String kind = args.length > 4 ? args[4] : "blas";
        int n = rows * cols;
        long bytes = 4L * n;
        float[] h = new float[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        for (int i = 0; i < n; i++) h[i] = (float) rnd.nextGaussian();
        float[] lab = new float[rows], w = new float[rows], picks = new float[rows];
        for (int r = 0; r < rows; r++) {
            lab[r] = rnd.nextInt(10) == 0 ? 1f : 0f;
            w[r] = 1f;
            picks[r] = (float) rnd.nextDouble();
        }
        System.out.printf(Locale.ROOT, "%s, %d threads, %d x %d (%.1f MB per array), median of %d%n", kind, threads,
                rows, cols, bytes / 1e6, reps);
        streams(n, reps);
        try (Backend be = Backends.create(kind, threads)) {
            DeviceFloats a = be.allocFloats(n), b = be.allocFloats(n), c = be.allocFloats(n);
            DeviceFloats err = be.allocFloats(rows), labels = be.allocFloats(rows), weights = be.allocFloats(rows);
            DeviceFloats pk = be.allocFloats(rows), loss = be.allocFloats(1), stats = be.allocFloats(2);
            be.upload(h, 0, a, 0, n);
            for (int i = 0; i < n; i++) h[i] += 0.25f * (float) rnd.nextGaussian();
            be.upload(h, 0, b, 0, n);
            be.upload(lab, 0, labels, 0, rows);
            be.upload(w, 0, weights, 0, rows);
            be.upload(picks, 0, pk, 0, rows);
            // before: the reference's own code over direct buffers, as the backend ran it until issue 32
            FloatBuffer da = direct(n), db = direct(n), dc = direct(n), derr = direct(rows), dw = direct(rows);
            FloatBuffer dloss = direct(1);
            be.download(a, 0, h, 0, n);
            da.put(0, h);
            be.download(b, 0, h, 0, n);
            db.put(0, h);
            dw.put(0, w);
            RowParallel pool = new RowParallel(threads);
            VectorMath before = new VectorMath(pool);
            BlasVectorMath fast = new BlasVectorMath(pool);
            compare("rowMse", 2 * bytes, reps, () -> before.rowMse(da, db, derr, rows, cols),
                    () -> be.rowMse(a, b, err, rows, cols));
            same("rowMse", derr, be, err, rows);
            compare("weightedMseGrad", 3 * bytes, reps, () -> before.weightedMseGrad(da, db, dw, dc, dloss, rows, cols),
                    () -> be.weightedMseGrad(a, b, weights, c, loss, rows, cols));
            same("weightedMseGrad dOut", dc, be, c, n);
            same("weightedMseGrad loss", dloss, be, loss, 1);
            report("weightedMseGrad (null)", 3 * bytes, reps,
                    () -> be.weightedMseGrad(a, b, null, c, loss, rows, cols));
            float[] bh = new float[cols];
            System.arraycopy(h, 0, bh, 0, cols);
            FloatBuffer dd = direct(n), dgb = direct(cols);
            compare("bias+ReLU pass", 2 * bytes, reps,
                    () -> legacyBiasActivation(pool, dc, bh, rows, cols, Activation.RELU),
                    () -> fast.biasActivation(dd, bh, rows, cols, Activation.RELU));
            compare("bias+identity pass", 2 * bytes, reps,
                    () -> legacyBiasActivation(pool, dc, bh, rows, cols, Activation.IDENTITY),
                    () -> fast.biasActivation(dd, bh, rows, cols, Activation.IDENTITY));
            FloatBuffer lgb = direct(cols);
            compare("dz/dB ReLU pass", 3 * bytes, reps,
                    () -> legacyActivationGrad(pool, da, db, dc, lgb, rows, cols, Activation.RELU),
                    () -> fast.activationGrad(da, db, dd, dgb, rows, cols, Activation.RELU));
            pool.close();
            report("nlTargets RANDOM_NORMAL", 2 * bytes, reps,
                    () -> be.nlTargets(a, labels, NlTarget.RANDOM_NORMAL, null, pk, c, weights, rows, cols));
            report("nlTargets ONES", 2 * bytes, reps,
                    () -> be.nlTargets(a, labels, NlTarget.ONES, null, pk, c, weights, rows, cols));
            report("nlTargets GAUSSIAN", 3 * bytes, reps,
                    () -> be.nlTargets(a, labels, NlTarget.GAUSSIAN, b, pk, c, weights, rows, cols));
            report("meanStd+thresholdLabels", 3L * 4 * rows, reps, () -> {
                be.meanStd(err, rows, stats);
                be.thresholdLabels(err, rows, stats, 1.0, null, labels);
            });
            be.upload(lab, 0, labels, 0, rows);
            int k = 16;
            DeviceFloats x = be.allocFloats(rows * k), wt = be.allocFloats(cols * k), bias = be.allocFloats(cols);
            DeviceFloats dx = be.allocFloats(rows * k), gw = be.allocFloats(cols * k), gb = be.allocFloats(cols);
            be.upload(h, 0, x, 0, rows * k);
            be.upload(h, 0, wt, 0, cols * k);
            be.upload(h, 0, bias, 0, cols);
            for (String[] g : gemmsAlone(rows, cols, k)) System.out.println(g[0]);
            report("denseForward K16 ReLU", 2 * bytes, reps,
                    () -> be.denseForward(x, wt, bias, c, rows, k, cols, Activation.RELU));
            report("denseForward K16 identity", 2 * bytes, reps,
                    () -> be.denseForward(x, wt, bias, c, rows, k, cols, Activation.IDENTITY));
            report("denseBackward K16 ReLU", 3 * bytes, reps,
                    () -> be.denseBackward(x, wt, a, b, dx, gw, gb, rows, k, cols, Activation.RELU));
            int p = cols * 1024;  // G's first layer's weights at D = cols
            DeviceFloats p0 = be.allocFloats(p), g0 = be.allocFloats(p), v0 = be.allocFloats(p),
                    m0 = be.allocFloats(p);
            be.upload(h, 0, g0, 0, p);
            report("rmsprop (" + p + ")", 7L * 4 * p, reps,
                    () -> be.rmsprop(p0, g0, v0, m0, p, 2e-5, 0.99, 1e-8, 0.6, null, 0));
        }
    }

    /** The K16 products alone (single-threaded sgemm here), to read the passes' share of the dense ops. */
    private static String[][] gemmsAlone(int rows, int cols, int k) {
        try (org.bytedeco.javacpp.FloatPointer x = new org.bytedeco.javacpp.FloatPointer((long) rows * k);
             org.bytedeco.javacpp.FloatPointer w = new org.bytedeco.javacpp.FloatPointer((long) cols * k);
             org.bytedeco.javacpp.FloatPointer y = new org.bytedeco.javacpp.FloatPointer((long) rows * cols)) {
            x.zero();
            w.zero();
            report("(sgemm NT alone, K16)", 2L * 4 * rows * cols, 11, () -> org.bytedeco.openblas.global.openblas
                    .cblas_sgemm(101, 111, 112, rows, cols, k, 1f, x, k, w, k, 0f, y, cols));
            report("(sgemm NN + TN alone, K16)", 2L * 4 * rows * cols, 11, () -> {
                org.bytedeco.openblas.global.openblas.cblas_sgemm(101, 111, 111, rows, k, cols, 1f, y, cols, w, k,
                        0f, x, k);
                org.bytedeco.openblas.global.openblas.cblas_sgemm(101, 112, 111, cols, k, rows, 1f, y, cols, x, k,
                        0f, w, k);
            });
        }
        return new String[0][];
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Says whether the backend's output equals the before-code's, bit for bit. */
    private static void same(String what, FloatBuffer expected, Backend be, DeviceFloats got, int n) {
        float[] g = new float[n];
        be.download(got, 0, g, 0, n);
        int diff = 0;
        for (int i = 0; i < n; i++) {
            if (Float.floatToRawIntBits(g[i]) != Float.floatToRawIntBits(expected.get(i))) diff++;
        }
        System.out.printf(Locale.ROOT, "  %s: %s%n", what, diff == 0 ? "bit-equal to before" : diff + " elements differ");
    }

    /** BlasBackend's bias-and-activation pass before issue 32 (per-element native accesses). */
    private static void legacyBiasActivation(RowParallel parallel, FloatBuffer yv, float[] bh, int rows, int outDim,
                                             Activation act) {
        parallel.forRange(rows, outDim, (from, to) -> {
            for (int r = from; r < to; r++) {
                int off = r * outDim;
                if (act == Activation.RELU) {
                    for (int o = 0; o < outDim; o++) yv.put(off + o, Activation.relu(yv.get(off + o) + bh[o]));
                    continue;
                }
                for (int o = 0; o < outDim; o++) {
                    double z = (double) yv.get(off + o) + bh[o];
                    yv.put(off + o, (float) act.apply(z));
                }
            }
        });
    }

    /** BlasBackend's dz/dB pass before issue 32. */
    private static void legacyActivationGrad(RowParallel parallel, FloatBuffer y, FloatBuffer dy, FloatBuffer dz,
                                             FloatBuffer gb, int rows, int outDim, Activation act) {
        parallel.forRange(outDim, rows, (from, to) -> {
            double[] acc = new double[to - from];
            boolean relu = act == Activation.RELU;
            for (int r = 0; r < rows; r++) {
                int off = r * outDim;
                for (int o = from; o < to; o++) {
                    double d = relu ? Activation.reluStep(y.get(off + o)) : act.derivativeFromOutput(y.get(off + o));
                    double z = dy.get(off + o) * d;
                    dz.put(off + o, (float) z);
                    acc[o - from] += z;
                }
            }
            for (int o = from; o < to; o++) gb.put(o, (float) acc[o - from]);
        });
    }

    /** One thread: a direct-to-direct bulk copy and a read-only pass over the same size, the machine's streams. */
    private static void streams(int n, int reps) {
        FloatBuffer s = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
        FloatBuffer d = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i += 1024) s.put(i, i);
        report("(machine) copy, 1 thread", 8L * n, reps, () -> d.put(0, s, 0, n));
        float[] chunk = new float[2048];
        double[] sink = new double[1];
        report("(machine) read, 1 thread", 4L * n, reps, () -> {
            float acc = 0;
            for (int i = 0; i < n; i += chunk.length) {
                s.get(i, chunk, 0, Math.min(chunk.length, n - i));
                acc += chunk[0];
            }
            sink[0] += acc;
        });
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The backend's thread count: with more than one, only the wall times mean anything. */
    private static int threads = 1;

    /**
     * Median wall time and GB/s, and (meaningful with one thread, where the op runs on the calling thread) the
     * median CPU time of the calling thread and GB/s over it: on a shared machine the CPU time is what the op
     * costs, the wall time also holds what other processes took.
     */
    /**
     * Before and after alternated rep by rep (so load that comes and goes lands on both), each reported as by
     * {@link #report}, then the ratio of their median CPU times.
     */
    private static void compare(String op, long bytes, int reps, Runnable before, Runnable after) {
        for (int i = 0; i < 3; i++) {
            before.run();
            after.run();
        }
        long[][] t = new long[2][reps], cpu = new long[2][reps];
        Runnable[] bodies = {before, after};
        for (int i = 0; i < reps; i++) {
            for (int k = 0; k < 2; k++) {
                int which = (i + k) % 2;  // ABBA...: neither always goes first
                long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
                bodies[which].run();
                t[which][i] = System.nanoTime() - t0;
                cpu[which][i] = THREADS.getCurrentThreadCpuTime() - c0;
            }
        }
        double[] cpuMs = new double[2], wallMs = new double[2];
        for (int k = 0; k < 2; k++) {
            Arrays.sort(t[k]);
            Arrays.sort(cpu[k]);
            double ms = t[k][reps / 2] / 1e6;
            wallMs[k] = ms;
            cpuMs[k] = cpu[k][reps / 2] / 1e6;
            System.out.printf(Locale.ROOT, "%-34s wall %8.2f ms %6.2f GB/s | cpu %8.2f ms %6.2f GB/s%n",
                    op + (k == 0 ? ", before" : ", after"), ms, bytes / ms / 1e6, cpuMs[k], bytes / cpuMs[k] / 1e6);
        }
        if (threads == 1) {
            System.out.printf(Locale.ROOT, "  %s: after/before speed (median cpu) %.2fx%n", op, cpuMs[0] / cpuMs[1]);
        } else {  // the work runs on the pool's threads: the caller's CPU time says nothing
            System.out.printf(Locale.ROOT, "  %s: after/before speed (median wall) %.2fx%n", op, wallMs[0] / wallMs[1]);
        }
    }

    private static void report(String op, long bytes, int reps, Runnable body) {
        for (int i = 0; i < 3; i++) body.run();
        long[] t = new long[reps], cpu = new long[reps];
        for (int i = 0; i < reps; i++) {
            long c0 = THREADS.getCurrentThreadCpuTime(), t0 = System.nanoTime();
            body.run();
            t[i] = System.nanoTime() - t0;
            cpu[i] = THREADS.getCurrentThreadCpuTime() - c0;
        }
        Arrays.sort(t);
        Arrays.sort(cpu);
        double ms = t[reps / 2] / 1e6, cpuMs = cpu[reps / 2] / 1e6;
        System.out.printf(Locale.ROOT, "%-34s wall %8.2f ms %6.2f GB/s | cpu %8.2f ms %6.2f GB/s%n", op, ms,
                bytes / ms / 1e6, cpuMs, bytes / cpuMs / 1e6);
    }
}
