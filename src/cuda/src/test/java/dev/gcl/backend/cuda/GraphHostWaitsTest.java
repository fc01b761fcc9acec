package dev.gcl.backend.cuda;

import dev.gcl.Gcl;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.progress.EpochStats;
import dev.gcl.progress.TrainingListener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What an iteration asks of the driver with graphs (issue 30), counted by the stand-in's exit report in child JVMs
 * (as dev.gcl.bench.LaunchCounts does at D 768): trained for 2 and 3 epochs on R and 2R rows, the differences leave
 * per iteration exactly one graph launch and no host wait; a device still behind when a result is read
 * (cuEventQuery answering CUDA_ERROR_NOT_READY, injected) costs one wait and changes nothing else.
 */
class GraphHostWaitsTest {
    private static final int ROWS = 384, DIM = 32, BATCH = 64;

    @BeforeEach
    void requireStandIn() {
        CudaTesting.assumeCuda();
        org.junit.jupiter.api.Assumptions.assumeTrue(CudaTesting.onStandIn(), "counts come from the stand-in");
    }

    @ParameterizedTest
    @EnumSource(value = Variant.class, names = {"GCL_B", "GCL_PT", "AE_ALL"})
    void oneGraphLaunchAndNoHostWaitPerIteration(Variant v, @org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Map<String, Long> a = child(tmp, v, 2, ROWS, null), b = child(tmp, v, 3, ROWS, null);
        Map<String, Long> c = child(tmp, v, 2, 2 * ROWS, null), d = child(tmp, v, 3, 2 * ROWS, null);
        double itsSmall = b.get("iterations") - a.get("iterations"), itsLarge = d.get("iterations") - c.get("iterations");
        assertTrue(itsLarge > itsSmall, itsSmall + " and " + itsLarge + " iterations per epoch");
        for (String key : new String[] {"graph_launches", "syncs", "calls"}) {
            double perIteration = ((d.get(key) - c.get(key)) - (b.get(key) - a.get(key))) / (itsLarge - itsSmall);
            switch (key) {
                case "graph_launches" -> assertEquals(1.0, perIteration, 1e-9, v + ": graph launches per iteration");
                case "syncs" -> assertEquals(0.0, perIteration, 1e-9, v + ": host waits per iteration");
                default -> assertTrue(perIteration <= 8, v + ": driver calls per iteration " + perIteration);
            }
        }
        assertEquals(0, d.get("graphs"), "every graph destroyed: " + d);
        assertEquals(0, d.get("allocations"), "every allocation freed: " + d);
        assertEquals(0, d.get("host"), "the page-locked result slots freed: " + d);
    }

    @org.junit.jupiter.api.Test
    void aDeviceBehindTheHostCostsOneWaitAndNothingElse(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        Map<String, Long> ahead = child(tmp, Variant.GCL_B, 2, ROWS, null);
        Map<String, Long> behind = child(tmp, Variant.GCL_B, 2, ROWS, "cuEventQuery:4:600");
        assertEquals(ahead.get("syncs") + 1, behind.get("syncs"), "the one NOT_READY read waits (cuEventSynchronize)");
        assertEquals(ahead.get("weights"), behind.get("weights"), "the same training");
        assertEquals(ahead.get("graph_launches"), behind.get("graph_launches"));
    }

    private static Map<String, Long> child(Path tmp, Variant v, int epochs, int rows, String fail)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(tmp, "child");
        Path report = dir.resolve("report.txt"), out = dir.resolve("out.txt"), err = dir.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-Djava.io.tmpdir=" + dir, "-cp", System.getProperty("java.class.path"),
                GraphHostWaitsTest.class.getName(), v.name(), String.valueOf(epochs), String.valueOf(rows)));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("GCL_") || k.equals("CUDA_VISIBLE_DEVICES"));
        env.put("GCL_STANDIN_REPORT", report.toString());
        env.put("GCL_CUDA_CANARY", "off");
        env.put("GCL_CACHE_DIR", dir.resolve("cache").toString());
        if (fail != null) env.put("GCL_STANDIN_FAIL", fail);
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            fail("child " + command + " failed:\n" + Files.readString(err));
        }
        Map<String, Long> values = new LinkedHashMap<>();
        for (String text : List.of(Files.readString(report), Files.readString(out))) {
            for (String pair : text.trim().split("\\s+")) {
                int eq = pair.indexOf('=');
                if (eq > 0) values.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
            }
        }
        return values;
    }

    /** The child: trains once on the CUDA backend (graphs on) and prints its iterations and a hash of the weights. */
    public static void main(String[] args) {
        Variant v = Variant.valueOf(args[0]);
        int epochs = Integer.parseInt(args[1]), rows = Integer.parseInt(args[2]);
        Random random = new Random(1);
        float[] x = new float[rows * DIM];
        for (int i = 0; i < x.length; i++) x[i] = random.nextFloat();
        int[] offsets = new int[rows / 32 + 1];
        for (int k = 0; k < offsets.length; k++) offsets[k] = k * 32;
        TrainingData data = TrainingData.videos(x, DIM, offsets);
        GclConfig.Builder config = GclConfig.builder().variant(v).seed(1).batchSize(BATCH).epochs(epochs)
                .pretrainEpochs(epochs).generatorHidden(16, 8, 16).discriminatorHidden(8, 4);
        if (v == Variant.GCL_PT) config.cleaning(dev.gcl.config.CleaningRule.QUANTILE, 0.5);
        long[] iterations = {0};
        TrainingListener count = new TrainingListener() {
            @Override
            public void onEpochEnd(EpochStats stats) {
                iterations[0] += stats.iterations();
            }
        };
        var model = new Gcl(config.build()).withBackend(CudaBackend::new).withListener(count).fit(data);
        long hash = 0;
        for (int l = 0; l < model.generator().layers(); l++) {
            hash = 31 * hash + java.util.Arrays.hashCode(model.generator().weight(l));
        }
        System.out.printf(Locale.ROOT, "iterations=%d weights=%d%n", iterations[0], hash);
    }
}
