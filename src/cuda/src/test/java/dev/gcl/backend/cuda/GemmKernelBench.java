package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.Precision;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Device benchmark of every dense GEMM kernel (run by {@code dev.gcl.bench.DeviceCheck gemm} in the device bundle;
 * never a unit test): each distinct layer shape of the paper's networks (G [D, 1024, 512, 256, 512, 1024, D],
 * D [D, 512, 32, 1]) at B = 8192 rows for D = 2048 and 4096, and 4096³, through the backend's denseForward
 * (out = relu(x·wᵀ + b)) and denseBackward (dz, dIn, dW, dB), with the kernels forced one family at a time:
 * FP32 {@code ours-tile64} (dense.cu), {@code ours-big} (dense_big.cu's 128×128 tiles and split dW wherever the
 * shape allows), {@code ours-tile128x64} (its 128×64 tiles where the default takes 128-row tiles), {@code ours-default} ({@link DenseGemmPlan#choose}); TF32 {@code ours-tf32-tile64}
 * (dense_tf32.cu), {@code ours-tf32-big} (dense_tf32_big.cu's 128×128 tiles and split dW wherever the shape
 * allows), {@code ours-tf32} ({@link DenseGemmPlan#chooseTf32}). Prints one line per measurement:
 * {@code MEASURE <impl> <precision> <fwd|bwd> <rows>x<in>-><out> <TFLOP/s>} (fwd counts 2·rows·in·out flops,
 * bwd 4·rows·in·out: dIn and dW), the same format benchmarks/torch_gcl_iteration.py prints for torch.matmul.
 */
public final class GemmKernelBench {
    private GemmKernelBench() {}

    /**
     * The distinct (rows, in, out) layer shapes of G and D for input width d, then 4096³ as (4096, 4096, 4096);
     * with -Dgcl.bench.shrink=N every size divided by N (at least 1): a rehearsal under the stand-in.
     */
    static List<int[]> shapes() {
        int shrink = Integer.getInteger("gcl.bench.shrink", 1);
        Set<List<Integer>> seen = new LinkedHashSet<>();
        for (int d : new int[] {2048, 4096}) {
            int[] g = {d, 1024, 512, 256, 512, 1024, d}, disc = {d, 512, 32, 1};
            for (int[] net : new int[][] {g, disc}) {
                for (int l = 0; l + 1 < net.length; l++) seen.add(List.of(8192, net[l], net[l + 1]));
            }
        }
        seen.add(List.of(4096, 4096, 4096));
        List<int[]> out = new ArrayList<>();
        for (List<Integer> s : seen) {
            out.add(new int[] {Math.max(1, s.get(0) / shrink), Math.max(1, s.get(1) / shrink), Math.max(1, s.get(2) / shrink)});
        }
        return out;
    }

    private static DenseGemmPlan bigWherePossible(DenseGemmPlan.Product p, int m, int n, int k) {
        DenseGemmPlan chosen = DenseGemmPlan.choose(p, m, n, k);
        return chosen.kernel().split() ? chosen : DenseGemmPlan.whole(DenseGemmPlan.Kernel.TILE128);
    }

    private static DenseGemmPlan tile128x64WherePossible(DenseGemmPlan.Product p, int m, int n, int k) {
        DenseGemmPlan chosen = DenseGemmPlan.choose(p, m, n, k);
        boolean big = chosen.kernel() == DenseGemmPlan.Kernel.TILE128 || chosen.kernel() == DenseGemmPlan.Kernel.TILE128X64;
        return big ? DenseGemmPlan.whole(DenseGemmPlan.Kernel.TILE128X64) : chosen;
    }

    private static DenseGemmPlan tf32BigWherePossible(DenseGemmPlan.Product p, int m, int n, int k) {
        DenseGemmPlan chosen = DenseGemmPlan.chooseTf32(p, m, n, k);
        return chosen.kernel().split() ? chosen : DenseGemmPlan.whole(DenseGemmPlan.Kernel.TF32_TILE128);
    }

    public static void run() {
        record Impl(String name, Precision precision, DenseGemmPlan.Planner planner) {}
        List<Impl> impls = List.of(
                new Impl("ours-tile64", Precision.FP32, (p, m, n, k) -> DenseGemmPlan.whole(DenseGemmPlan.Kernel.TILE64)),
                new Impl("ours-big", Precision.FP32, GemmKernelBench::bigWherePossible),
                new Impl("ours-tile128x64", Precision.FP32, GemmKernelBench::tile128x64WherePossible),
                new Impl("ours-default", Precision.FP32, DenseGemmPlan::choose),
                new Impl("ours-tf32-tile64", Precision.TF32,
                        (p, m, n, k) -> DenseGemmPlan.whole(DenseGemmPlan.Kernel.TF32_TILE64)),
                new Impl("ours-tf32-big", Precision.TF32, GemmKernelBench::tf32BigWherePossible),
                new Impl("ours-tf32", Precision.TF32, DenseGemmPlan::chooseTf32));
        for (Impl impl : impls) {
            try (CudaBackend cuda = new CudaBackend(impl.precision(), impl.planner())) {
                for (int[] s : shapes()) measure(cuda, impl.name(), s[0], s[1], s[2]);
            }
        }
    }

    private static DeviceFloats random(CudaBackend cuda, int n, int stream) {
        DeviceFloats d = cuda.allocFloats(n);
        cuda.philoxNormal(new RandomStream(1, Purpose.TEST, stream), 0, 0f, 0.05f, d, n);
        return d;
    }

    private static void measure(CudaBackend cuda, String impl, int rows, int in, int out) {
        DeviceFloats x = random(cuda, rows * in, 0), w = random(cuda, out * in, 1), bias = random(cuda, out, 2);
        DeviceFloats y = cuda.allocFloats(rows * out), dy = random(cuda, rows * out, 3);
        DeviceFloats dIn = cuda.allocFloats(rows * in), dW = cuda.allocFloats(out * in), dB = cuda.allocFloats(out);
        double flops = 2.0 * rows * in * out;
        int reps = 10;
        double fwd = seconds(cuda, reps, () -> cuda.denseForward(x, w, bias, y, rows, in, out, Activation.RELU));
        double bwd = seconds(cuda, reps,
                () -> cuda.denseBackward(x, w, y, dy, dIn, dW, dB, rows, in, out, Activation.RELU));
        String precision = cuda.precision().cliName(), shape = rows + "x" + in + "->" + out;
        System.out.printf(Locale.ROOT, "MEASURE %s %s fwd %s %.3f%n", impl, precision, shape, flops / fwd / 1e12);
        System.out.printf(Locale.ROOT, "MEASURE %s %s bwd %s %.3f%n", impl, precision, shape, 2 * flops / bwd / 1e12);
        for (DeviceFloats d : new DeviceFloats[] {x, w, bias, y, dy, dIn, dW, dB}) cuda.free(d);
    }

    /** Median seconds of one call over reps timed calls, after two warm-up calls. */
    private static double seconds(CudaBackend cuda, int reps, Runnable op) {
        for (int k = 0; k < 2; k++) op.run();
        cuda.synchronize();
        double[] t = new double[reps];
        for (int k = 0; k < reps; k++) {
            long t0 = System.nanoTime();
            op.run();
            cuda.synchronize();
            t[k] = (System.nanoTime() - t0) / 1e9;
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }
}
