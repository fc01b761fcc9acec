package dev.gcl.bench;

import dev.gcl.Gcl;
import dev.gcl.backend.cuda.CudaBackend;
import dev.gcl.backend.cuda.CudaProbe;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.progress.EpochStats;
import dev.gcl.progress.TrainingListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Small batches and seed sweeps on a GPU (issue 30; run by the device bundle's run.sh): gcl-b at B 64 on random rows
 * of D 768 with the paper's hidden sizes (G 1024-512-256-512-1024, D 512-32), launch by launch
 * ({@code gcl.cuda.graphs=off}) and as one graph per iteration; then sweeps of 1, 8 and 32 seeds trained at once
 * in one process, each run on its own backend and stream, with graphs. Prints {@code MEASURE} lines: milliseconds
 * per iteration (the median over epochs 2 and later of epoch seconds / iterations, so start-up, capture and JIT
 * warm-up stay out) and, for the sweeps, iterations per second of all runs together (wall clock around the whole
 * sweep, start-up included). {@code --small}: D 32, tiny networks, two sweeps of 2 (a smoke test under the
 * stand-in, whose times measure nothing). Speed is reported, never asserted.
 */
public final class SmallBatchSweep {
    private SmallBatchSweep() {}

    public static void main(String[] args) throws Exception {
        boolean small = args.length > 0 && args[0].equals("--small");
        CudaProbe probe = CudaProbe.get();
        if (!probe.available()) {
            System.out.println("RESULT small_batch=skipped (" + probe.reason() + ")");
            return;
        }
        int dim = small ? 32 : 768, batch = 64, iterations = small ? 6 : 40, epochs = small ? 2 : 4;
        TrainingData data = randomRows(batch * iterations, dim);
        GclConfig.Builder config = GclConfig.builder().variant(Variant.GCL_B).batchSize(batch).epochs(epochs)
                .learningRate(2e-5);
        if (small) config.generatorHidden(16, 8, 16).discriminatorHidden(8, 4);
        else config.generatorHidden(1024, 512, 256, 512, 1024).discriminatorHidden(512, 32);
        String shape = "gcl-b,B=" + batch + ",D=" + dim;
        for (String graphs : new String[] {"off", "on"}) {
            System.setProperty("gcl.cuda.graphs", graphs);
            double ms = msPerIteration(config.seed(1).build(), data);
            System.out.printf(Locale.ROOT, "MEASURE gcl %s graphs=%s %.3f ms/iteration%n", shape, graphs, ms);
        }
        System.setProperty("gcl.cuda.graphs", "on");
        for (int runs : small ? new int[] {1, 2} : new int[] {1, 8, 32}) {
            long t0 = System.nanoTime();
            long its = sweep(config, data, runs);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "MEASURE gcl %s sweep=%d %.1f iterations/s (%d iterations in %.2f s)%n",
                    shape, runs, its / seconds, its, seconds);
        }
    }

    /** Uniform random rows as videos of 32 segments. */
    static TrainingData randomRows(int rows, int dim) {
        Random random = new Random(1);
        float[] x = new float[rows * dim];
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
        int[] offsets = new int[rows / 32 + 1];
        for (int v = 0; v < offsets.length; v++) offsets[v] = Math.min(rows, v * 32);
        offsets[offsets.length - 1] = rows;
        return TrainingData.videos(x, dim, offsets);
    }

    private static double msPerIteration(GclConfig config, TrainingData data) {
        List<EpochStats> epochs = new ArrayList<>();
        TrainingListener collect = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochStats stats) {
                epochs.add(stats);
            }
        };
        new Gcl(config).withBackend(CudaBackend::new).withListener(collect).fit(data);
        List<Double> perIteration = new ArrayList<>();
        for (EpochStats e : epochs.subList(1, epochs.size())) perIteration.add(e.seconds() * 1e3 / e.iterations());
        perIteration.sort(null);
        return perIteration.get(perIteration.size() / 2);
    }

    /** runs seeds of config trained at once, one thread and backend each; returns their iterations in all. */
    private static long sweep(GclConfig.Builder config, TrainingData data, int runs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int s = 0; s < runs; s++) {
                GclConfig c = config.seed(s).build();
                done.add(pool.submit(() -> {
                    long[] its = {0};
                    TrainingListener count = new TrainingListener() {
                        @Override
                        public void onEpochEnd(EpochStats stats) {
                            its[0] += stats.iterations();
                        }
                    };
                    new Gcl(c).withBackend(CudaBackend::new).withListener(count).fit(data);
                    return its[0];
                }));
            }
            long total = 0;
            for (Future<Long> f : done) total += f.get();
            return total;
        } finally {
            pool.shutdownNow();
        }
    }
}
