package dev.gcl.backend.cuda;

import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.NlTarget;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import java.util.Locale;

/**
 * Device benchmark of the memory-bound kernels (run by {@code dev.gcl.bench.DeviceCheck memory} in the device
 * bundle; never a unit test), at B = 8192 rows of width D = 2048: gather_rows, the bias gradient's two passes,
 * nl_targets (GAUSSIAN), weighted MSE with its gradient, and RMSprop over 2^23 parameters. Prints
 * {@code MEASURE ours bw <op> <shape> <GB/s>} with the bytes the op must move at least (every input read once,
 * every output written once), the same count benchmarks/torch_gcl_iteration.py uses for torch's equivalents, so
 * the two are comparable and either can be set beside the H200's 4.8 TB/s.
 */
public final class MemoryKernelBench {
    private MemoryKernelBench() {}

    public static void run() {
        int shrink = Integer.getInteger("gcl.bench.shrink", 1);
        int rows = Math.max(1, 8192 / shrink), cols = Math.max(1, 2048 / shrink), params = Math.max(1, (1 << 23) / shrink);
        long n = (long) rows * cols;
        String shape = rows + "x" + cols;
        try (CudaBackend cuda = new CudaBackend()) {
            DeviceFloats x = random(cuda, (int) n, 0), y = random(cuda, (int) n, 1), out = cuda.allocFloats((int) n);
            DeviceFloats rowVector = random(cuda, rows, 2), colVector = cuda.allocFloats(cols);
            DeviceFloats weights = cuda.allocFloats(rows), loss = cuda.allocFloats(1);
            int[] order = new int[rows];
            for (int r = 0; r < rows; r++) order[r] = (int) ((r * 2654435761L) % rows);
            DeviceInts indices = cuda.allocInts(rows);
            cuda.upload(order, 0, indices, 0, rows);

            report("gather_rows", shape, 2 * n * 4 + rows * 4L,
                    seconds(cuda, () -> cuda.gatherRows(x, indices, 0, out, rows, cols)));
            report("bias_gradient", shape, n * 4 + cols * 4L,
                    seconds(cuda, () -> cuda.denseBackwardBias(x, colVector, rows, cols)));
            report("nl_targets_gaussian", shape, 3 * n * 4 + rows * 8L,
                    seconds(cuda, () -> cuda.nlTargets(x, rowVector, NlTarget.GAUSSIAN, y, null, out, weights, rows, cols)));
            report("weighted_mse_grad", shape, 3 * n * 4 + rows * 4L,
                    seconds(cuda, () -> cuda.weightedMseGrad(x, y, rowVector, out, loss, rows, cols)));
            for (DeviceFloats d : new DeviceFloats[] {x, y, out, rowVector, colVector, weights, loss}) cuda.free(d);
            cuda.free(indices);

            DeviceFloats p = random(cuda, params, 3), g = random(cuda, params, 4);
            DeviceFloats sq = cuda.allocFloats(params), mom = cuda.allocFloats(params);
            report("rmsprop", String.valueOf(params), 7L * params * 4,
                    seconds(cuda, () -> cuda.rmsprop(p, g, sq, mom, params, 1e-4, 0.99, 1e-8, 0.9, null, 0)));
        }
    }

    private static void report(String op, String shape, long bytes, double seconds) {
        System.out.printf(Locale.ROOT, "MEASURE ours bw %s %s %.1f%n", op, shape, bytes / seconds / 1e9);
    }

    private static DeviceFloats random(CudaBackend cuda, int n, int stream) {
        DeviceFloats d = cuda.allocFloats(n);
        cuda.philoxUniform(new RandomStream(2, Purpose.TEST, stream), 0, d, n);
        return d;
    }

    /** Median seconds of one call over 20 timed calls, after two warm-up calls. */
    private static double seconds(CudaBackend cuda, Runnable op) {
        for (int k = 0; k < 2; k++) op.run();
        cuda.synchronize();
        double[] t = new double[20];
        for (int k = 0; k < t.length; k++) {
            long t0 = System.nanoTime();
            op.run();
            cuda.synchronize();
            t[k] = (System.nanoTime() - t0) / 1e9;
        }
        java.util.Arrays.sort(t);
        return t[t.length / 2];
    }
}
