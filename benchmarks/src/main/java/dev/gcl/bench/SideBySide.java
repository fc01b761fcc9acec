package dev.gcl.bench;

import dev.gcl.Gcl;
import dev.gcl.backend.Activation;
import dev.gcl.backend.Backends;
import dev.gcl.config.GclConfig;
import dev.gcl.config.ScoreSource;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import dev.gcl.model.ScoringArithmetic;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.TrainingListener;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Our half of benchmarks/pytorch_cpu.py: the same GCL iteration (gcl-b, the paper's networks, D = 2048, B = 8192)
 * and the same D-score on the same data and initial weights, timed here and printed as {@code RESULT name value}
 * lines the script reads.
 *
 * <pre>
 * SideBySide prepare DIR                 # DIR/x.f32 (4 batches × 8192 rows × 2048, little-endian) and DIR/model
 * SideBySide time DIR THREADS [BACKEND]  # BACKEND blas (default) or reference
 * SideBySide serve DIR THREADS           # scoring on request, for paired timing: reads "batch" or "rows N" lines,
 *                                        # answers each with "NANOS t" (one 8192-row batch; N single rows)
 * </pre>
 */
public final class SideBySide {
    static final int DIM = 2048, BATCH = 8192, BATCHES = 4;
    static final long SEED = 1;

    private SideBySide() {}

    static GclConfig config() {
        return GclConfig.builder().variant(Variant.GCL_B).epochs(1).batchSize(BATCH).seed(SEED).build();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        if (args[0].equals("prepare")) prepare(dir);
        else if (args[0].equals("serve")) serve(dir, Integer.parseInt(args[2]), args.length > 3 ? args[3] : "fast");
        else time(dir, Integer.parseInt(args[2]), args.length > 3 ? args[3] : "blas");
    }

    static void prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        float[] x = new float[BATCHES * BATCH * DIM];
        // non-negative like I3D features after ReLU
        new RandomStream(SEED, Purpose.TEST, 77).fillUniform(x, 0, x.length, 0);
        ByteBuffer b = ByteBuffer.allocate(x.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(x);
        Files.write(dir.resolve("x.f32"), b.array());
        // the initial weights exactly as the trainer makes them (GclTrainer: streams 0 and 1000 of the seed)
        GclConfig c = config();
        NetworkWeights g = NetworkWeights.initialise(c.generatorDims(DIM), Activation.IDENTITY, SEED, 0);
        NetworkWeights d = NetworkWeights.initialise(c.discriminatorDims(DIM), Activation.SIGMOID, SEED, 1000);
        ModelFiles.save(GclModel.of(c, g, d, List.of()), new ModelFiles.Metadata("bench", "now", "none", Map.of()),
                dir.resolve("model"), true);
        System.out.println("wrote " + dir);
    }

    static float[] read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate((int) ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) >= 0) { }
            b.flip();
            float[] x = new float[b.capacity() / 4];
            b.asFloatBuffer().get(x);
            return x;
        }
    }

    /**
     * Times D's score of the first 8192-row batch, or of N single rows, each time the script asks: the JVM stays
     * warm and the script alternates our calls with PyTorch's at the granularity of one batch. scorer: "fast",
     * "blas", "java" or "reference".
     */
    static void serve(Path dir, int threads, String scorer) throws IOException {
        float[] x = read(dir.resolve("x.f32"));
        GclModel model = ModelFiles.load(dir.resolve("model")).model().withScorer(scorer, threads);
        float[] out = new float[BATCH];
        float[] row = Arrays.copyOf(x, DIM);
        float[] one = new float[1];
        for (int r = 0; r < 3; r++) model.score(ScoreSource.DISCRIMINATOR, x, BATCH, out);
        for (int r = 0; r < 1000; r++) model.score(ScoreSource.DISCRIMINATOR, row, 1, one);
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
        System.out.println("READY");
        System.out.flush();
        for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
            long t0 = System.nanoTime();
            if (line.equals("batch")) {
                model.score(ScoreSource.DISCRIMINATOR, x, BATCH, out);
            } else if (line.startsWith("rows ")) {
                int n = Integer.parseInt(line.substring(5));
                for (int r = 0; r < n; r++) model.score(ScoreSource.DISCRIMINATOR, row, 1, one);
            } else {
                throw new IllegalArgumentException("unknown request: " + line);
            }
            System.out.println("NANOS " + (System.nanoTime() - t0));
            System.out.flush();
        }
    }

    static void time(Path dir, int threads, String backend) throws IOException {
        float[] x = read(dir.resolve("x.f32"));
        TrainingData data = TrainingData.flat(x, x.length / DIM, DIM);
        // training: per-iteration wall times from the listener; the first iteration is the warm-up
        List<Long> stamps = new ArrayList<>();
        TrainingListener clock = new TrainingListener() {
            @Override
            public void onIteration(IterationStats stats) {
                stamps.add(System.nanoTime());
            }
        };
        long start = System.nanoTime();
        new Gcl(config()).withBackend(Backends.supplier(backend, threads)).withListener(clock).fit(data);
        double[] its = new double[stamps.size() - 1];
        for (int i = 1; i < stamps.size(); i++) its[i - 1] = (stamps.get(i) - stamps.get(i - 1)) / 1e9;
        Arrays.sort(its);
        double median = its[its.length / 2];
        result("train_iteration_s", median);
        result("train_segments_per_s", BATCH / median);
        result("train_first_iteration_s", (stamps.get(0) - start) / 1e9);

        // scoring by D: one 8192-row batch, then one row at a time
        ScoringArithmetic scorer = backend.equals("reference") ? ScoringArithmetic.REFERENCE : ScoringArithmetic.FAST;
        GclModel model = ModelFiles.load(dir.resolve("model")).model().withScorer(scorer, threads);
        float[] out = new float[BATCH];
        int reps = scorer == ScoringArithmetic.FAST ? 10 : 1;
        model.score(ScoreSource.DISCRIMINATOR, x, BATCH, out);
        model.score(ScoreSource.DISCRIMINATOR, x, BATCH, out);
        long t0 = System.nanoTime();
        for (int r = 0; r < reps; r++) model.score(ScoreSource.DISCRIMINATOR, x, BATCH, out);
        result("dscore_batch_rows_per_s", reps * (double) BATCH / ((System.nanoTime() - t0) / 1e9));
        float[] row = Arrays.copyOf(x, DIM);
        float[] one = new float[1];
        int calls = scorer == ScoringArithmetic.FAST ? 3000 : 300;
        for (int r = 0; r < calls / 3; r++) model.score(ScoreSource.DISCRIMINATOR, row, 1, one);
        t0 = System.nanoTime();
        for (int r = 0; r < calls; r++) model.score(ScoreSource.DISCRIMINATOR, row, 1, one);
        result("dscore_single_row_us", (System.nanoTime() - t0) / 1e3 / calls);
    }

    private static void result(String name, double v) {
        System.out.printf(Locale.ROOT, "RESULT %s %.6g%n", name, v);
    }
}
