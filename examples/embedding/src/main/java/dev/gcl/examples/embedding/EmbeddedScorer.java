package dev.gcl.examples.embedding;

import dev.gcl.data.Dataset;
import dev.gcl.data.DatasetLoader;
import dev.gcl.data.TestVideo;
import dev.gcl.io.NpyReader;
import dev.gcl.model.GclModel;
import dev.gcl.model.Provenance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a JVM service does with a model from {@code gcl train}: load it once, score from many threads. Scores every
 * test video of a dataset as a batch and every segment as a single row, from 16 threads at once, prints segments/s,
 * and compares each score with the {@code <video>.npy} that {@code gcl score --input DATASET} wrote: batches must be
 * bit-identical (the same call gcl score makes), single rows within the fast scorer's FP32 bound of them (one row
 * runs through sgemv, a batch through sgemm: the sums round differently). Also prints the single-row latency
 * percentiles (p50, p99, p99.9 of every single-row call of the timed rounds, 16 threads at once). Exit 0 when all
 * agree, 1 otherwise.
 *
 * <pre>
 * java -cp "target/classes:target/lib/*" dev.gcl.examples.embedding.EmbeddedScorer MODEL_DIR DATASET.yaml SCORES_DIR
 * </pre>
 */
public final class EmbeddedScorer {
    static final int THREADS = 16;
    /** Times each thread scores every test video as a batch, and every segment as a row. */
    static final int ROUNDS = 5;
    /** Single-row scores against batch scores: the bound the library's tests hold the fast scorer to. */
    static final double ABSOLUTE = 1e-5, RELATIVE = 1e-4;

    private EmbeddedScorer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: EmbeddedScorer MODEL_DIR DATASET.yaml SCORES_DIR"
                    + " (SCORES_DIR: gcl score --model MODEL_DIR --input DATASET.yaml --out SCORES_DIR)");
            System.exit(2);
        }
        GclModel model = GclModel.load(Path.of(args[0])).warmUp();  // once; shared by every thread below
        Dataset data = DatasetLoader.load(Path.of(args[1]));
        Path scoresDir = Path.of(args[2]);
        Provenance p = model.provenance();
        System.out.printf(Locale.ROOT, "model %s: %s, D = %d, trained on %s (%s, %s threads), gcl %s, commit %s,"
                + " data %s; scoring with the %s scorer%n", args[0], model.variant().cliName(), model.dim(),
                p.backend(), p.precision(), p.threads(), p.libraryVersion(), p.gitCommit(), p.dataFingerprint(),
                model.scorerName());

        List<TestVideo> videos = data.test();
        List<float[]> expected = new ArrayList<>();
        long segments = 0;
        for (TestVideo v : videos) {
            expected.add(NpyReader.read(scoresDir.resolve(v.name() + ".npy")).data());
            segments += v.segments();
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            double batchRate = run(pool, segments, t -> batchScores(model, videos, t));
            Comparison batch = compare(pool, t -> batchScores(model, videos, t), videos, expected, 0, 0);
            LATENCIES.clear();
            double rowRate = run(pool, segments, t -> rowScores(model, videos, t));
            // the timed rounds' calls: run's first round (one array per thread) is its warm-up
            long[] nanos = LATENCIES.stream().skip(THREADS).flatMapToLong(java.util.Arrays::stream).sorted().toArray();
            Comparison rows = compare(pool, t -> rowScores(model, videos, t), videos, expected, ABSOLUTE, RELATIVE);
            System.out.printf(Locale.ROOT, "batch:       %,.0f segments/s (%d threads, each scoring %d videos"
                    + " (%d segments) %d times)%n", batchRate, THREADS, videos.size(), segments, ROUNDS);
            System.out.printf(Locale.ROOT, "single rows: %,.0f segments/s (%d threads, each scoring %d rows one at"
                    + " a time %d times)%n", rowRate, THREADS, segments, ROUNDS);
            System.out.printf(Locale.ROOT, "single-row latency: p50 %.1f us, p99 %.1f us, p99.9 %.1f us (%d calls,"
                    + " %d threads at once)%n", percentile(nanos, 0.50) / 1e3, percentile(nanos, 0.99) / 1e3,
                    percentile(nanos, 0.999) / 1e3, nanos.length, THREADS);
            if (batch.first() != null || rows.first() != null) {
                if (batch.first() != null) System.out.println("scores differ: batch " + batch.first());
                if (rows.first() != null) System.out.println("scores differ: single row " + rows.first());
                System.exit(1);
            }
            System.out.printf(Locale.ROOT, "scores equal: %d segments of %d videos from %d threads; batches"
                    + " bit-identical to gcl score's, single rows within %.0e + %.0e·|score| of them (largest"
                    + " difference %.3g)%n", segments, videos.size(), THREADS, ABSOLUTE, RELATIVE, rows.largest());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One thread's scores of every test video, each scored as one batch; videos start at a thread's own offset. */
    static float[][] batchScores(GclModel model, List<TestVideo> videos, int thread) {
        float[][] out = new float[videos.size()][];
        for (int k = 0; k < videos.size(); k++) {
            int i = (k + thread) % videos.size();
            TestVideo v = videos.get(i);
            out[i] = new float[v.segments()];
            model.score(v.features().data(), v.segments(), out[i]);
        }
        return out;
    }

    /** Each row-scoring round's per-thread call durations (ns), for the latency percentiles. */
    static final java.util.Queue<long[]> LATENCIES = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** The q-quantile of sorted values (nearest rank). */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    /** One thread's scores of every segment, one row at a time (a service answering single requests), timed. */
    static float[][] rowScores(GclModel model, List<TestVideo> videos, int thread) {
        float[][] out = new float[videos.size()][];
        float[] row = new float[model.dim()];
        int total = 0;
        for (TestVideo v : videos) total += v.segments();
        long[] nanos = new long[total];
        int call = 0;
        for (int k = 0; k < videos.size(); k++) {
            int i = (k + thread) % videos.size();
            TestVideo v = videos.get(i);
            out[i] = new float[v.segments()];
            for (int r = 0; r < v.segments(); r++) {
                System.arraycopy(v.features().data(), r * model.dim(), row, 0, model.dim());
                long start = System.nanoTime();
                out[i][r] = model.score(row);
                nanos[call++] = System.nanoTime() - start;
            }
        }
        LATENCIES.add(nanos);
        return out;
    }

    interface Work {
        float[][] scores(int thread) throws Exception;
    }

    /** Segments per second over ROUNDS rounds of the work on every thread at once (after one warm-up round). */
    static double run(ExecutorService pool, long segments, Work work) throws Exception {
        all(pool, work);
        long start = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) all(pool, work);
        double seconds = (System.nanoTime() - start) / 1e9;
        return segments * THREADS * ROUNDS / seconds;
    }

    static List<float[][]> all(ExecutorService pool, Work work) throws Exception {
        List<Future<float[][]>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> work.scores(thread)));
        }
        List<float[][]> results = new ArrayList<>();
        for (Future<float[][]> f : futures) results.add(f.get());
        return results;
    }

    record Mismatch(int thread, String video, int row, float got, float expected) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "thread %d, video %s, segment %d: %.9g, gcl score wrote %.9g",
                    thread, video, row, got, expected);
        }
    }

    /** The first score outside the bound (null if none) and the largest difference seen. */
    record Comparison(Mismatch first, double largest) {}

    /** Every thread's scores against gcl score's: |got - expected| <= absolute + relative·|expected| (0, 0: equal bits). */
    static Comparison compare(ExecutorService pool, Work work, List<TestVideo> videos, List<float[]> expected,
                            double absolute, double relative) throws Exception {
        List<float[][]> results = all(pool, work);
        Mismatch first = null;
        double largest = 0;
        for (int t = 0; t < results.size(); t++) {
            float[][] got = results.get(t);
            for (int i = 0; i < expected.size(); i++) {
                float[] e = expected.get(i);
                if (got[i].length != e.length) {
                    return new Comparison(new Mismatch(t, videos.get(i).name(), -1, got[i].length, e.length), 0);
                }
                for (int r = 0; r < e.length; r++) {
                    double diff = Math.abs((double) got[i][r] - e[r]);
                    largest = Math.max(largest, diff);
                    boolean same = absolute == 0 && relative == 0 ? Float.compare(got[i][r], e[r]) == 0
                            : diff <= absolute + relative * Math.abs(e[r]);
                    if (!same && first == null) first = new Mismatch(t, videos.get(i).name(), r, got[i][r], e[r]);
                }
            }
        }
        return new Comparison(first, largest);
    }
}
