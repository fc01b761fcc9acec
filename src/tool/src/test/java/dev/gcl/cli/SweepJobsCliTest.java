package dev.gcl.cli;

import dev.gcl.backend.blas.BlasProbe;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gcl.cli.CliTest.assertBadInput;
import static dev.gcl.cli.CliTest.concat;
import static dev.gcl.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code gcl sweep --jobs N}: runs at once in one process on the one loaded data set give exactly the results
 * (AUCs and every weight) of the same runs one after another at the same thread count; a failing run is recorded
 * and the others finish; bad --jobs values are refused before anything is written.
 */
class SweepJobsCliTest {
    @TempDir
    static Path shared;
    static Path dataset;
    static final String[] SETTINGS = {"--epochs", "3", "--pretrain-epochs", "1", "--batch", "32", "--lr", "1e-3",
            "--g-hidden", "32,16,32", "--d-hidden", "16", "--threads", "1", "--save-models"};

    @BeforeAll
    static void data() {
        new SyntheticDatasetGenerator(SyntheticConfig.small(5)).write(shared.resolve("data"));
        dataset = shared.resolve("data/dataset.yaml");
    }

    static String[] sweep(Path out, String backend, String jobs, String... more) {
        return concat(concat(new String[] {"sweep", "--data", dataset.toString(), "--seeds", "0-2", "--variants",
                "gcl-b,ae-all", "--out", out.toString(), "--backend", backend, "--jobs", jobs}, SETTINGS), more);
    }

    @Test
    void blasRunsAtOnceEqualTheSameRunsOneAfterAnother(@TempDir Path tmp) throws IOException {
        Assumptions.assumeTrue(BlasProbe.get().available(), BlasProbe.get().reason());
        assertSameResults(tmp, "blas");
    }

    @Test
    void referenceRunsAtOnceEqualTheSameRunsOneAfterAnother(@TempDir Path tmp) throws IOException {
        assertSameResults(tmp, "reference");
    }

    private static void assertSameResults(Path tmp, String backend) throws IOException {
        Path one = tmp.resolve("one"), three = tmp.resolve("three");
        CliTest.Result a = run(sweep(one, backend, "1"));
        assertEquals(Main.OK, a.code(), a.err());
        CliTest.Result b = run(sweep(three, backend, "3"));
        assertEquals(Main.OK, b.code(), b.err());
        assertTrue(b.out().contains("3 runs at once, 1 thread each"), b.out());
        assertTrue(b.out().contains("6 of 6 done, 0 running"), b.out());
        assertTrue(b.out().lines().anyMatch(l -> l.endsWith(": started; 0 of 6 done, 3 running")), b.out());
        assertEquals(Files.readString(one.resolve("summary.csv")), Files.readString(three.resolve("summary.csv")));
        List<String> ids;
        try (var dirs = Files.list(one.resolve("runs"))) {
            ids = dirs.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(6, ids.size());
        for (String id : ids) {
            GclModel x = ModelFiles.load(one.resolve("runs").resolve(id).resolve("model")).model();
            GclModel y = ModelFiles.load(three.resolve("runs").resolve(id).resolve("model")).model();
            assertSameWeights(id + " G", x.generator(), y.generator());
            if (x.discriminator() != null) assertSameWeights(id + " D", x.discriminator(), y.discriminator());
        }
    }

    private static void assertSameWeights(String what, NetworkWeights x, NetworkWeights y) {
        assertEquals(x.layers(), y.layers(), what);
        for (int l = 0; l < x.layers(); l++) {
            assertArrayEquals(x.weight(l), y.weight(l), what + " layer " + l + " weight");
            assertArrayEquals(x.bias(l), y.bias(l), what + " layer " + l + " bias");
        }
    }

    @Test
    void aFailingRunIsRecordedAndTheOthersFinish(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("sweep");
        // lr 1e30 diverges at once: those three runs fail, the three with lr 1e-3 finish
        CliTest.Result r = run(concat(new String[] {"sweep", "--data", dataset.toString(), "--seeds", "0-2",
                "--variants", "gcl-b", "--grid", "lr=1e-3,1e30", "--out", out.toString(), "--backend", "reference",
                "--jobs", "2"}, "--epochs", "2", "--batch", "32", "--g-hidden", "32,16,32", "--d-hidden", "16",
                "--threads", "1"));
        assertEquals(Main.INTERNAL_ERROR, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("3 of 6 runs failed"), r.out());
        assertTrue(r.out().contains("6 of 6 done (3 failed), 0 running"), r.out());
        String csv = Files.readString(out.resolve("results.csv"));
        assertEquals(3, csv.lines().filter(l -> l.contains(",failed,")).count(), csv);
        assertEquals(3, csv.lines().filter(l -> l.contains(",ok,")).count(), csv);
        assertTrue(Files.readString(out.resolve("summary.csv")).contains("gcl-b lr=1e-3,3,"),
                Files.readString(out.resolve("summary.csv")));
    }

    @Test
    void badJobsAreRefusedBeforeAnythingIsWritten(@TempDir Path tmp) {
        Path out = tmp.resolve("sweep");
        assertBadInput(run(sweep(out, "reference", "0")), "--jobs");
        assertBadInput(run(sweep(out, "reference", "many")), "--jobs", "many");
        assertFalse(Files.exists(out.resolve("runs")));
    }
    @Test
    void sigtermCheckpointsEveryRunInProgressAndTheNextStartContinuesThem(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sweep");
        String[] args = {"sweep", "--data", dataset.toString(), "--seeds", "0", "--variants", "gcl-pt,gcl-b", "--out",
                out.toString(), "--jobs", "2", "--epochs", "300", "--pretrain-epochs", "2", "--batch", "32", "--lr",
                "1e-3", "--g-hidden", "32,16,32", "--d-hidden", "16", "--cleaning", "quantile", "--backend", "cpu",
                "--threads", "1", "--checkpoint-every", "1epochs"};
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jtmp")), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        int started = 0;
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains(": started; ") && ++started == 2) {
                    // both runs mid-training: each has checkpointed an epoch (of 300)
                    long deadline = System.nanoTime() + 120_000_000_000L;
                    while (!(Files.exists(out.resolve("checkpoints/gcl-pt_seed0/state.json"))
                            && Files.exists(out.resolve("checkpoints/gcl-b_seed0/state.json")))
                            && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
                }
            }
        }
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the child ends after the signal");
        assertEquals(Main.INTERRUPTED, p.exitValue(), seen.toString());
        assertTrue(seen.toString().contains("interrupted: 2 runs checkpointed"), seen.toString());
        // loading many feature files shows its progress, as train's does (plain lines: no terminal here)
        assertTrue(seen.toString().contains("checking training features: 24 of 24 files in "), seen.toString());
        for (String id : new String[] {"gcl-pt_seed0", "gcl-b_seed0"}) {
            assertTrue(Files.isRegularFile(out.resolve("checkpoints").resolve(id).resolve("state.json")), id);
            assertFalse(Files.exists(out.resolve("runs").resolve(id)), "an interrupted run has no result: " + id);
        }
        // the rest of the runs without checkpoints every epoch (the schedule is not part of a run's settings)
        String[] rest = java.util.Arrays.copyOf(args, args.length - 2);
        CliTest.Result resumed = run(rest);
        assertEquals(Main.OK, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("run 1/2 gcl-pt_seed0: continuing from its checkpoint"), resumed.out());
        assertTrue(resumed.out().contains("run 2/2 gcl-b_seed0: continuing from its checkpoint"), resumed.out());
        assertTrue(resumed.out().contains("2 of 2 done, 0 running"), resumed.out());
        assertFalse(Files.exists(out.resolve("checkpoints")), "the finished runs' checkpoints are gone");
    }
}
