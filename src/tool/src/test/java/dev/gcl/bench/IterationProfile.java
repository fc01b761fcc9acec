package dev.gcl.bench;

import dev.gcl.Gcl;
import dev.gcl.backend.Backend;
import dev.gcl.backend.Backends;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.DatasetLoader;
import dev.gcl.data.TrainingData;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a training iteration's time goes, op by op: trains gcl-b (the paper's networks) on an .npz with every
 * backend call timed (wall clock around each call; the ops of the CPU backends run on the calling thread or wait
 * for their pool, so each call's time is its op's). Dense ops are split by layer shape. Prints milliseconds per
 * iteration per op, and the sum against the whole training time.
 *
 * <pre>java -cp target/test-classes:target/classes:'target/lib/*' dev.gcl.bench.IterationProfile \
 *     news615.npz [batch 64] [epochs 30] [threads 1] [backend blas]</pre>
 */
public final class IterationProfile {
    private IterationProfile() {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        String kind = args.length > 4 ? args[4] : "blas";
        TrainingData train = DatasetLoader.fromNpz(data).train();
        Map<String, long[]> times = new TreeMap<>();  // op -> {nanos, calls}
        Backend inner = Backends.supplier(kind, threads).get();
        Backend timed = TimedBackend.wrap(inner, (m, a, nanos) -> {
            String op = m.getName();
            if (op.equals("denseForward")) op += " " + a[5] + "x" + a[6];  // inDim x outDim
            if (op.equals("denseBackward")) op += " " + a[8] + "x" + a[9];
            long[] s = times.computeIfAbsent(op, k -> new long[2]);
            s[0] += nanos;
            s[1]++;
        });
        GclConfig config = GclConfig.builder().variant(Variant.GCL_B).batchSize(batch).epochs(epochs).build();
        int iterations = epochs * (train.rows() / batch + (train.rows() % batch >= 2 ? 1 : 0));
        long t0 = System.nanoTime();
        new Gcl(config).withBackend(() -> timed).fit(train);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        double total = 0;
        System.out.printf(Locale.ROOT, "%s, %d threads, %d rows x %d, B %d, %d epochs (%d iterations)%n", kind,
                threads, train.rows(), train.dim(), batch, epochs, iterations);
        System.out.printf(Locale.ROOT, "%-34s %10s %12s %10s%n", "op", "calls/it", "ms/iteration", "share");
        for (var e : times.entrySet()) total += e.getValue()[0] / 1e6;
        final double sum = total;
        times.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0])).forEach(e ->
                System.out.printf(Locale.ROOT, "%-34s %10.1f %12.3f %9.1f%%%n", e.getKey(),
                        (double) e.getValue()[1] / iterations, e.getValue()[0] / 1e6 / iterations,
                        100 * e.getValue()[0] / 1e6 / sum));
        System.out.printf(Locale.ROOT, "all ops %.3f ms/iteration; fit() %.3f ms/iteration (the rest: trainer,"
                + " JIT, per-epoch checks)%n", sum / iterations, wallMs / iterations);
    }
}
