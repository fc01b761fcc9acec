package dev.gcl.bench;

import dev.gcl.Gcl;
import dev.gcl.backend.Backend;
import dev.gcl.backend.cuda.CudaBackend;
import dev.gcl.config.CleaningRule;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.TrainingListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Kernel launches and host waits per training iteration of the CUDA backend, counted by the stand-in driver (issue 30;
 * docs/gpu.md "Launches and host waits per iteration (issue 30, before and after)"): one table launch by launch
 * (GCL_CUDA_GRAPHS=off, before), one with a graph per iteration (the default, after). Each case trains
 * four times, each in a child JVM under the stand-in libcuda.so.1 (LD_LIBRARY_PATH, GCL_STANDIN_REPORT,
 * GCL_CUDA_CANARY=off so that the canary's launches do not count): E1 and E2 epochs of the varied phase, on R and 2R
 * rows. The differences of the exit reports ({@code launches=}, {@code syncs=}, {@code calls=}; and of the backend
 * calls the child counted) between E2 and E1
 * epochs at the same rows leave per epoch {@code P + n·I} (n iterations per epoch, as the trainer reported them);
 * the two row counts give two n, hence I (per iteration) and P (per epoch, outside the iterations). What happens
 * once (context, module, allocations, uploads, the phases not varied) cancels out.
 *
 * <p>Data: random rows of D = 768 (uniform in [0, 1), seed 1) as videos of 32 segments, R = 640 (gcl-pt: temporal
 * cleaning by the quantile rule at 0.5, since random rows have no temporal structure); networks G 768-64-32-64-768
 * and D 768-32-8-1 (small, so that the emulated kernels finish quickly), batch 64. Also: backend calls per iteration
 * (a proxy counts and times every Backend call) and the host time outside backend calls (the trainer's own Java
 * work) per iteration of the largest run. Under the stand-in every backend call includes the emulated kernels on the
 * CPU, so no time here is a GPU figure.
 *
 * <pre>mvn -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) dev.gcl.bench.LaunchCounts [E1 2] [E2 6]</pre>
 *
 * (the stand-in is built by {@code mvn test}'s process-test-classes phase or {@code bash
 * native-build/build-standin.sh $PWD $PWD/target/cuda-standin}; {@code -Dgcl.cuda.standin=DIR} names another folder).
 */
public final class LaunchCounts {
    private static final int ROWS = 640, DIM = 768, SEGMENTS = 32, BATCH = 64;

    private LaunchCounts() {
    }

    /** A case: the variant, and which phase's epochs vary (the other stays at its fixed count). */
    private record Case(String label, Variant variant, boolean varyPretraining) {}

    /** One child's figures: the exit report, iterations, nanoseconds in fit() and outside backend calls. */
    private record Run(Map<String, Long> report, long iterations, long fitNanos, long hostNanos, long backendCalls) {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Variant.parse(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            return;
        }
        int few = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int more = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        Path standIn = Path.of(System.getProperty("gcl.cuda.standin", "../cuda/target/cuda-standin")).toAbsolutePath();
        if (!Files.exists(standIn.resolve("libcuda.so.1"))) {
            throw new IllegalStateException("no stand-in at " + standIn + " (bash native-build/build-standin.sh)");
        }
        List<Case> cases = List.of(new Case("gcl-b", Variant.GCL_B, false),
                new Case("gcl-pt, cooperative loop (pre-training 1 epoch)", Variant.GCL_PT, false),
                new Case("gcl-pt, pre-training G and D (loop 1 epoch)", Variant.GCL_PT, true),
                new Case("ae-all", Variant.AE_ALL, false));
        System.out.printf(Locale.ROOT, "random rows of D %d as videos of %d segments, G %d-64-32-64-%d, D %d-32-8-1, "
                + "batch %d; runs of %d and %d epochs on %d and %d rows%n", DIM, SEGMENTS, DIM, DIM, DIM, BATCH, few,
                more, ROWS, 2 * ROWS);
        for (boolean graphs : new boolean[] {false, true}) {
            System.out.println(graphs ? "after: one graph per iteration (the default)"
                    : "before: launch by launch (GCL_CUDA_GRAPHS=off)");
            table(standIn, cases, few, more, graphs);
        }
        System.out.println("(host ms: the largest run's time outside backend calls over its iterations, warm-up "
                + "included; under the stand-in, not a GPU figure)");
    }

    private static void table(Path standIn, List<Case> cases, int few, int more, boolean graphs)
            throws IOException, InterruptedException {
        System.out.println("| case | per iteration: launches | graph launches | host waits | driver calls "
                + "| backend calls | per epoch besides: launches | graph launches | host waits | driver calls "
                + "| backend calls | host ms per iteration outside the backend |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Case c : cases) {
            // A, B: ROWS rows, few and more epochs of the varied phase; C, D: the same on twice the rows
            Run a = run(standIn, c, few, ROWS, graphs), b = run(standIn, c, more, ROWS, graphs);
            Run cc = run(standIn, c, few, 2 * ROWS, graphs), d = run(standIn, c, more, 2 * ROWS, graphs);
            double epochs = more - few;
            double itsSmall = (b.iterations - a.iterations) / epochs, itsLarge = (d.iterations - cc.iterations) / epochs;
            StringBuilder line = new StringBuilder("| " + c.label + " (" + (long) itsSmall + " and " + (long) itsLarge
                    + " iterations per epoch)");
            String[] keys = {"launches", "graph_launches", "syncs", "calls", "backend_calls"};
            double[] perEpoch = new double[keys.length];
            for (int k = 0; k < keys.length; k++) {
                double small = diff(a, b, keys[k]) / epochs, large = diff(cc, d, keys[k]) / epochs;
                double perIteration = (large - small) / (itsLarge - itsSmall);
                perEpoch[k] = small - perIteration * itsSmall;
                line.append(String.format(Locale.ROOT, " | %.2f", perIteration));
            }
            for (double e : perEpoch) line.append(String.format(Locale.ROOT, " | %.2f", e));
            line.append(String.format(Locale.ROOT, " | %.2f |", d.hostNanos / 1e6 / d.iterations));
            System.out.println(line);
        }
    }

    private static double diff(Run a, Run b, String key) {
        return b.report.get(key) - a.report.get(key);
    }

    private static Run run(Path standIn, Case c, int epochs, int rows, boolean graphs)
            throws IOException, InterruptedException {
        return c.varyPretraining ? child(standIn, c.variant, 1, epochs, rows, graphs)
                : child(standIn, c.variant, epochs, 1, rows, graphs);
    }

    private static Run child(Path standIn, Variant variant, int epochs, int pretrainEpochs, int rows, boolean graphs)
            throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory("gcl-launch-counts");
        Path report = tmp.resolve("report.txt"), out = tmp.resolve("out.txt"), err = tmp.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                LaunchCounts.class.getName(), "--child", variant.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                String.valueOf(epochs), String.valueOf(pretrainEpochs), String.valueOf(rows)));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GCL_") || k.equals("CUDA_VISIBLE_DEVICES"));
        env.put("LD_LIBRARY_PATH", standIn.toString());
        env.put("GCL_STANDIN_REPORT", report.toString());
        env.put("GCL_CUDA_CANARY", "off");
        env.put("GCL_CUDA_GRAPHS", graphs ? "on" : "off");
        env.put("GCL_CACHE_DIR", tmp.resolve("cache").toString());
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("child failed: " + command + "\n" + Files.readString(err));
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String text : List.of(Files.readString(report), Files.readString(out, StandardCharsets.UTF_8))) {
            for (String pair : text.trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq > 0) values.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
            }
        }
        return new Run(values, values.get("iterations"), values.get("fit_ns"), values.get("host_ns"),
                values.get("backend_calls"));
    }

    /** In the child: trains once on the CUDA backend (a timing proxy around it) and prints its figures. */
    private static void child(Variant variant, int epochs, int pretrainEpochs, int rows) {
        Random random = new Random(1);
        float[] x = new float[rows * DIM];
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
        int[] offsets = new int[rows / SEGMENTS + 1];
        for (int v = 0; v < offsets.length; v++) offsets[v] = v * SEGMENTS;
        TrainingData data = TrainingData.videos(x, DIM, offsets);
        GclConfig.Builder builder = GclConfig.builder().variant(variant).seed(1).batchSize(BATCH).epochs(epochs)
                .pretrainEpochs(pretrainEpochs).generatorHidden(64, 32, 64).discriminatorHidden(32, 8);
        // random rows have no temporal structure: keep the calmer half (the default absolute threshold keeps none)
        if (variant == Variant.GCL_PT) builder.cleaning(CleaningRule.QUANTILE, 0.5);
        GclConfig config = builder.build();
        long[] inBackend = {0, 0};  // nanoseconds, calls
        long[] iterations = {0};
        Backend inner = new CudaBackend();
        Backend timed = TimedBackend.wrap(inner, (m, a, nanos) -> {
            inBackend[0] += nanos;
            inBackend[1]++;
        });
        TrainingListener count = new TrainingListener() {
            @Override
            public void onIteration(IterationStats stats) {
                iterations[0]++;
            }
        };
        long t0 = System.nanoTime();
        new Gcl(config).withBackend(() -> timed).withListener(count).fit(data);
        long fit = System.nanoTime() - t0;
        System.out.printf(Locale.ROOT, "iterations=%d fit_ns=%d host_ns=%d backend_calls=%d%n", iterations[0], fit,
                fit - inBackend[0], inBackend[1]);
    }
}
