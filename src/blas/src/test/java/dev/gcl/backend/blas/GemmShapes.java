package dev.gcl.backend.blas;

import dev.gcl.config.GclConfig;
import org.bytedeco.javacpp.FloatPointer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * GFLOP/s of every product an iteration of gcl-b runs at a large batch (the paper's networks), through the same
 * {@link Blas} calls as {@link BlasBackend}: the forward (in · wᵀ, NT), dIn (dz · w, NN) and dW (dzᵀ · in, TN) of
 * each layer shape, beside the machine's own square sgemm (2048³, NT) in the same run, so each shape reads as a
 * share of that figure (issue 32, item 2: the products of an iteration against the sgemm figure). Median of
 * {@code reps} timed calls after two warm-up calls; the inputs are random floats in native memory.
 *
 * <pre>java -cp src/blas/target/test-classes:$(cat src/blas/target/cp.txt) dev.gcl.backend.blas.GemmShapes \
 *     [batch 8192] [dim 2048] [threads 2] [reps 7]</pre>
 */
public final class GemmShapes {
    private GemmShapes() {
    }

    interface Product {
        void run(FloatPointer a, FloatPointer b, FloatPointer c);
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 8192;
        int dim = args.length > 1 ? Integer.parseInt(args[1]) : 2048;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 7;
        if (!BlasProbe.get().available()) throw new IllegalStateException(BlasProbe.get().reason());
        System.out.printf(Locale.ROOT, "OpenBLAS %s, %d threads, B %d, D %d, median of %d%n", Blas.VERSION, threads,
                batch, dim, reps);
        Product square = (a, b, c) -> Blas.gemmNT(threads, 2048, 2048, 2048, a, b, c);
        double before = gflops(2048, 2048, 2048, reps, square);
        GclConfig paper = GclConfig.builder().build();
        List<int[]> layers = new ArrayList<>();  // {in, out}, G's then D's, each shape once
        for (int[] dims : List.of(paper.generatorDims(dim), paper.discriminatorDims(dim))) {
            for (int l = 0; l + 1 < dims.length; l++) {
                int[] shape = {dims[l], dims[l + 1]};
                if (layers.stream().noneMatch(s -> Arrays.equals(s, shape)) && shape[1] > 1) layers.add(shape);
            }
        }
        double[][] rates = new double[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            int in = layers.get(i)[0], out = layers.get(i)[1];
            rates[i] = new double[] {
                    gflops(batch, out, in, reps, (a, b, c) -> Blas.gemmNT(threads, batch, out, in, a, b, c)),
                    gflops(batch, in, out, reps, (a, b, c) -> Blas.gemmNN(threads, batch, in, out, a, b, c)),
                    gflops(out, in, batch, reps, (a, b, c) -> Blas.gemmTN(threads, out, in, batch, a, b, c))};
        }
        // the square product before and after the shapes: the better of the two is the machine's figure
        double peak = Math.max(before, gflops(2048, 2048, 2048, reps, square));
        System.out.printf(Locale.ROOT, "square sgemm 2048^3 (NT): %.1f GFLOP/s (before the shapes %.1f)%n", peak,
                before);
        System.out.printf(Locale.ROOT, "%-12s %14s %14s %14s%n", "in x out", "forward NT", "dIn NN", "dW TN");
        double flops = 0, seconds = 0;
        for (int i = 0; i < layers.size(); i++) {
            double f = 2.0 * batch * layers.get(i)[0] * layers.get(i)[1];
            System.out.printf(Locale.ROOT, "%-12s", layers.get(i)[0] + "x" + layers.get(i)[1]);
            for (double r : rates[i]) {
                System.out.printf(Locale.ROOT, " %7.1f (%3.0f%%)", r, 100 * r / peak);
                flops += f;
                seconds += f / (r * 1e9);
            }
            System.out.println();
        }
        double all = flops / seconds / 1e9;
        System.out.printf(Locale.ROOT, "all products, each shape's three once: %.1f GFLOP/s, %.0f%% of the square"
                + " figure%n", all, 100 * all / peak);
    }

    /** Median GFLOP/s of c (m, n) = a · b over k: buffers large enough for any of the three layouts. */
    private static double gflops(int m, int n, int k, int reps, Product p) {
        FloatPointer a = random((long) Math.max(m, k) * Math.max(k, m)), b = random((long) Math.max(n, k) * Math.max(k, n));
        FloatPointer c = new FloatPointer((long) m * n);
        try {
            p.run(a, b, c);
            p.run(a, b, c);
            double[] t = new double[reps];
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                p.run(a, b, c);
                t[r] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(t);
            return 2.0 * m * n * k / t[reps / 2] / 1e9;
        } finally {
            a.close();
            b.close();
            c.close();
        }
    }

    private static FloatPointer random(long n) {
        FloatPointer p = new FloatPointer(n);
        java.util.Random r = new java.util.Random(1);
        for (long i = 0; i < n; i++) p.put(i, r.nextFloat() - 0.5f);
        return p;
    }
}
