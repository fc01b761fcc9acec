package dev.gcl.bench;

import dev.gcl.Gcl;
import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.Precision;
import dev.gcl.backend.cuda.CudaBackend;
import dev.gcl.backend.cuda.CudaProbe;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.TrainingListener;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code probe}: prints the CUDA probe's verdict; exit status 0 when available, 3 when not.
 * {@code gemm}: every GEMM kernel family (old and new FP32, TF32) at every layer shape of the paper's networks
 * ({@link dev.gcl.backend.cuda.GemmKernelBench}), {@code MEASURE} lines.
 * {@code memory}: GB/s of the memory-bound kernels (gather, bias gradient, negative-learning targets, weighted MSE,
 * RMSprop) at B = 8192, D = 2048 ({@link dev.gcl.backend.cuda.MemoryKernelBench}).
 * {@code contact}: first contact at scale: a UCF-sized feature upload kept resident (817,981 × 2048 floats, 6.2 GiB),
 * then allocations until the device is full: the out-of-memory message with its figures, and every byte back after.
 * {@code bench [fp32|tf32]}: GEMM throughput of the dense kernels in that precision (default fp32) at the paper's
 * shapes (B = 8192, D = 2048) and the time of one GCL iteration with the paper's networks. Prints
 * {@code RESULT name=value} lines for run.sh's table; TF32 results carry a {@code _tf32} suffix.
 * Timing: wall clock around {@link CudaBackend#synchronize()}, after warm-up launches; speed is reported, never
 * asserted.
 */
public final class DeviceCheck {
    private DeviceCheck() {}

    public static void main(String[] args) {
        String mode = args.length == 0 ? "probe" : args[0];
        Precision precision = args.length > 1 ? Precision.parse(args[1]) : Precision.FP32;
        String suffix = precision == Precision.FP32 ? "" : "_" + precision.cliName();
        CudaProbe probe = CudaProbe.get();
        System.out.println("probe: " + probe);
        if (mode.equals("probe")) System.exit(probe.available() ? 0 : 3);
        if (!probe.available()) {
            System.out.println("RESULT bench=skipped (" + probe.reason() + ")");
            return;
        }
        if (mode.equals("gemm")) {
            dev.gcl.backend.cuda.GemmKernelBench.run();
            return;
        }
        if (mode.equals("contact")) {
            contact();
            return;
        }
        if (mode.equals("memory")) {
            dev.gcl.backend.cuda.MemoryKernelBench.run();
            return;
        }
        try (CudaBackend cuda = new CudaBackend(precision)) {
            int b = 8192;
            gemm(cuda, b, 2048, 1024, "G layer 1", suffix);
            gemm(cuda, b, 1024, 2048, "G last layer", suffix);
            gemm(cuda, b, 2048, 512, "D layer 1", suffix);
            gemm(cuda, 4096, 4096, 4096, "square 4096", suffix);
        }
        gclIteration(precision, suffix);
    }

    /** The resident upload of UCF-Crime's size, then a forced out-of-memory; RESULT lines. */
    private static void contact() {
        int rows = 817_981, dim = 2048;
        dev.gcl.io.FeatureRows features = new dev.gcl.io.HeapFeatureRows(new float[rows * dim], rows, dim);
        try (CudaBackend cuda = new CudaBackend()) {
            long t0 = System.nanoTime();
            DeviceFloats resident = cuda.residentRows(features);
            cuda.synchronize();
            System.out.printf(java.util.Locale.ROOT, "RESULT resident_upload=%s in %.1f s%n",
                    resident == null ? "did not fit (streamed)" : "6.2 GiB resident", (System.nanoTime() - t0) / 1e9);
            java.util.List<DeviceFloats> held = new java.util.ArrayList<>();
            try {
                while (held.size() < 1000) held.add(cuda.allocFloats(1 << 28));  // 1 GiB each
                System.out.println("RESULT out_of_memory=not reached after 1000 GiB");
            } catch (dev.gcl.backend.OutOfDeviceMemoryException e) {
                System.out.println("RESULT out_of_memory=after " + held.size() + " GiB: " + e.getMessage());
            }
            for (DeviceFloats d : held) cuda.free(d);
            if (resident != null) cuda.free(resident);
        }
        System.out.println("RESULT after_free=" + CudaProbe.deviceLines());
    }

    private static DeviceFloats random(CudaBackend cuda, int n, int stream) {
        DeviceFloats d = cuda.allocFloats(n);
        cuda.philoxNormal(new RandomStream(1, Purpose.TEST, stream), 0, 0f, 0.05f, d, n);
        return d;
    }

    private static void gemm(CudaBackend cuda, int rows, int in, int out, String label, String suffix) {
        DeviceFloats x = random(cuda, rows * in, 0), w = random(cuda, out * in, 1), bias = random(cuda, out, 2);
        DeviceFloats y = cuda.allocFloats(rows * out), dy = random(cuda, rows * out, 3);
        DeviceFloats dIn = cuda.allocFloats(rows * in), dW = cuda.allocFloats(out * in), dB = cuda.allocFloats(out);
        int reps = 10;
        double flops = 2.0 * rows * in * out;
        for (int k = 0; k < 2; k++) cuda.denseForward(x, w, bias, y, rows, in, out, Activation.RELU);
        cuda.synchronize();
        long t0 = System.nanoTime();
        for (int k = 0; k < reps; k++) cuda.denseForward(x, w, bias, y, rows, in, out, Activation.RELU);
        cuda.synchronize();
        double fwd = (System.nanoTime() - t0) / 1e9 / reps;
        for (int k = 0; k < 2; k++) cuda.denseBackward(x, w, y, dy, dIn, dW, dB, rows, in, out, Activation.RELU);
        cuda.synchronize();
        t0 = System.nanoTime();
        for (int k = 0; k < reps; k++) cuda.denseBackward(x, w, y, dy, dIn, dW, dB, rows, in, out, Activation.RELU);
        cuda.synchronize();
        double bwd = (System.nanoTime() - t0) / 1e9 / reps;
        String shape = rows + "x" + in + "->" + out;
        System.out.printf("gemm%s %-13s %-16s forward %7.3f ms %6.2f TFLOP/s   backward (dIn+dW+dB) %7.3f ms %6.2f TFLOP/s%n",
                suffix, label, shape, fwd * 1e3, flops / fwd / 1e12, bwd * 1e3, 2 * flops / bwd / 1e12);
        System.out.printf("RESULT gemm_fwd_tflops%s[%s]=%.2f%n", suffix, shape, flops / fwd / 1e12);
        System.out.printf("RESULT gemm_bwd_tflops%s[%s]=%.2f%n", suffix, shape, 2 * flops / bwd / 1e12);
        for (DeviceFloats d : new DeviceFloats[] {x, w, bias, y, dy, dIn, dW, dB}) cuda.free(d);
    }

    /** gcl-b with the paper's networks and B = 8192 on D = 2048 random features: 4 iterations, the last 3 timed. */
    private static void gclIteration(Precision precision, String suffix) {
        int b = 8192, dim = 2048, iterations = 4;
        int rows = b * iterations;
        float[] x = new float[rows * dim];
        new RandomStream(2, Purpose.TEST, 0).fillUniform(x, 0, x.length, 0);
        TrainingData data = TrainingData.flat(x, rows, dim);
        GclConfig config = GclConfig.builder().variant(Variant.GCL_B).seed(1).epochs(1).batchSize(b).build();
        List<Long> stamps = new ArrayList<>();
        TrainingListener timer = new TrainingListener() {
            @Override
            public void onIteration(IterationStats stats) {
                stamps.add(System.nanoTime());  // the trainer downloads the losses first: the GPU work is done
            }
        };
        long t0 = System.nanoTime();
        new Gcl(config).withBackend(() -> new CudaBackend(precision)).withListener(timer).fit(data);
        double total = (System.nanoTime() - t0) / 1e9;
        double[] gaps = new double[stamps.size() - 1];
        for (int k = 1; k < stamps.size(); k++) gaps[k - 1] = (stamps.get(k) - stamps.get(k - 1)) / 1e6;
        Arrays.sort(gaps);
        double median = gaps.length == 0 ? Double.NaN : gaps[gaps.length / 2];
        System.out.printf("gcl iteration (%s, gcl-b, B=%d, D=%d, G %s, D %s): median %.2f ms over %d; fit %.2f s "
                        + "(upload and setup included)%n", precision.cliName(), b, dim, Arrays.toString(config.generatorHidden()),
                Arrays.toString(config.discriminatorHidden()), median, gaps.length, total);
        System.out.printf("RESULT gcl_iteration_ms%s=%.2f%n", suffix, median);
        System.out.printf(java.util.Locale.ROOT, "MEASURE ours %s iteration gcl-b,B=%d,D=%d %.3f%n", precision.cliName(),
                b, dim, median);
    }
}
