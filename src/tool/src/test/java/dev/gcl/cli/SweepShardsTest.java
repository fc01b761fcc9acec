package dev.gcl.cli;

import dev.gcl.io.AtomicDirectory;
import dev.gcl.sweep.SweepLock;
import dev.gcl.sweep.SweepManifest;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.gcl.cli.CliTest.assertBadInput;
import static dev.gcl.cli.CliTest.concat;
import static dev.gcl.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Sweep folders as a scheduler uses them: shards that refuse another plan, data set or shard, one writer per
 * folder, a merge that refuses missing, unfinished, running or foreign shards without writing anything, and a run
 * stopped by SIGTERM that the next start continues from its checkpoint.
 */
class SweepShardsTest {
    @TempDir
    static Path shared;
    static Path dataset, otherDataset, s0, s1;
    static final String[] SETTINGS = {"--epochs", "2", "--pretrain-epochs", "1", "--batch", "128", "--lr", "1e-3",
            "--g-hidden", "32,16,32", "--d-hidden", "16", "--backend", "cpu", "--threads", "1"};

    static String[] sweep(Path data, Path out, String... more) {
        return concat(concat(new String[] {"sweep", "--data", data.toString(), "--seeds", "0-1", "--variants",
                "gcl-b,ae-all", "--out", out.toString()}, SETTINGS), more);
    }

    @BeforeAll
    static void shards() {
        new SyntheticDatasetGenerator(SyntheticConfig.small(3)).write(shared.resolve("data"));
        new SyntheticDatasetGenerator(SyntheticConfig.small(4)).write(shared.resolve("other"));
        dataset = shared.resolve("data/dataset.yaml");
        otherDataset = shared.resolve("other/dataset.yaml");
        s0 = shared.resolve("s0");
        s1 = shared.resolve("s1");
        assertEquals(Main.OK, run(sweep(dataset, s0, "--shard", "0/2")).code());
        assertEquals(Main.OK, run(sweep(dataset, s1, "--shard", "1/2")).code());
    }

    static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return to;
    }

    @Test
    void aShardFolderRecordsItsPlanDataAndShard() {
        SweepManifest m = SweepManifest.read(s1);
        assertEquals("1/2", m.shardLabel());
        assertEquals(4, m.planRuns());
        assertEquals(List.of("gcl-b_seed1", "ae-all_seed1"), m.runIds());
        assertEquals(m.planId(), SweepManifest.read(s0).planId());
        assertFalse(m.merged());
        assertFalse(Files.exists(s1.resolve(SweepCommand.CHECKPOINTS)), "no checkpoints left once every run finished");
    }

    @Test
    void aShardFolderRefusesAnotherShardPlanOrDataSet(@TempDir Path tmp) throws IOException {
        Path s = copy(s0, tmp.resolve("s0"));
        String before = Files.readString(s.resolve("results.csv"));
        assertBadInput(run(sweep(dataset, s, "--shard", "1/2")), s.toString(), "holds shard 0/2", "not 1/2");
        assertBadInput(run(sweep(dataset, s, "--shard", "0/2", "--epochs", "3")), s.toString(), "another sweep plan");
        assertBadInput(run(sweep(otherDataset, s, "--shard", "0/2")), s.toString(), "other data");
        assertBadInput(run(sweep(dataset, tmp.resolve("x"), "--shard", "2/2")), "x", "index 2 is outside the array 0..1");
        assertFalse(Files.exists(tmp.resolve("x")));
        assertEquals(before, Files.readString(s.resolve("results.csv")), "a refused sweep changes nothing");
        CliTest.Result again = run(sweep(dataset, s, "--shard", "0/2"));
        assertEquals(Main.OK, again.code(), again.err());
        assertTrue(again.out().contains("skipped 2 runs already complete"), again.out());
    }

    @Test
    void twoWritersOfOneShardFolder(@TempDir Path tmp) throws IOException {
        Path s = copy(s0, tmp.resolve("s0"));
        try (SweepLock held = SweepLock.acquire(s)) {
            assertBadInput(run(sweep(dataset, s, "--shard", "0/2")), s.toString(), "another process is writing");
            assertBadInput(run("sweep", "merge", s.toString(), s1.toString(), "--out", tmp.resolve("m").toString()),
                    s.toString(), "still running");
        }
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    @Test
    void mergeRefusesMissingUnfinishedAndForeignShardsWithoutWriting(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("merged");
        assertBadInput(run("sweep", "merge", s0.toString(), "--out", out.toString()), out.toString(), "shard 1/2 is missing");
        assertBadInput(run("sweep", "merge", s0.toString(), s0.toString(), s1.toString(), "--out", out.toString()),
                "given twice");

        Path unfinished = copy(s1, tmp.resolve("s1-unfinished"));
        AtomicDirectory.deleteRecursively(unfinished.resolve("runs/ae-all_seed1"));
        assertBadInput(run("sweep", "merge", s0.toString(), unfinished.toString(), "--out", out.toString()),
                unfinished.toString(), "has not finished", "ae-all_seed1");

        Path otherPlan = tmp.resolve("other-plan");
        assertEquals(Main.OK, run(sweep(dataset, otherPlan, "--shard", "1/2", "--seeds", "0-2")).code());
        assertBadInput(run("sweep", "merge", s0.toString(), otherPlan.toString(), "--out", out.toString()),
                otherPlan.toString(), "another sweep plan");

        Path otherData = tmp.resolve("other-data");
        assertEquals(Main.OK, run(sweep(otherDataset, otherData, "--shard", "1/2")).code());
        assertBadInput(run("sweep", "merge", s0.toString(), otherData.toString(), "--out", out.toString()),
                otherData.toString(), "other data");
        assertBadInput(run("sweep", "merge", s0.toString(), tmp.resolve("nope").toString(), "--out", out.toString()),
                "nope");
        assertFalse(Files.exists(out), "a refused merge writes nothing");
    }

    @Test
    void mergeCountsEachRunOnceAndReplacesOnlyAnEarlierMerge(@TempDir Path tmp) throws IOException {
        Path s = copy(s1, tmp.resolve("s1"));
        // a run directory left half-written by a killed task (hidden staging) and a stray run of another shard
        copy(s.resolve("runs/gcl-b_seed1"), s.resolve("runs/.gcl-b_seed1.tmp-999"));
        copy(s0.resolve("runs/gcl-b_seed0"), s.resolve("runs/gcl-b_seed0"));
        Path out = tmp.resolve("merged");
        CliTest.Result m = run("sweep", "merge", s0.toString(), s.toString(), "--out", out.toString());
        assertEquals(Main.OK, m.code(), m.err());
        assertTrue(m.out().contains("merged 4 runs from 2 shard folders"), m.out());
        assertEquals(5, Files.readAllLines(out.resolve("results.csv")).size(), "header + 4 runs, none twice");
        assertTrue(SweepManifest.read(out).merged());
        String summary = Files.readString(out.resolve("summary.csv"));

        // again into the same folder: replaced whole; into a folder that is not a merge: refused
        assertEquals(Main.OK, run("sweep", "merge", s0.toString(), s.toString(), "--out", out.toString()).code());
        assertEquals(summary, Files.readString(out.resolve("summary.csv")));
        Path notMerge = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(notMerge.resolve("notes.txt"), "keep");
        assertBadInput(run("sweep", "merge", s0.toString(), s.toString(), "--out", notMerge.toString()),
                notMerge.toString(), "not an earlier merge");
        assertEquals("keep", Files.readString(notMerge.resolve("notes.txt")));
        assertBadInput(run("sweep", "merge", s0.toString(), out.toString(), "--out", tmp.resolve("m2").toString()),
                out.toString(), "merged folder");
    }

    /** Longer runs (32 iterations an epoch) so that the signal lands mid-training. */
    static final String[] LONG = {"--epochs", "16", "--pretrain-epochs", "2", "--batch", "32", "--lr", "1e-3",
            "--g-hidden", "32,16,32", "--d-hidden", "16", "--cleaning", "quantile", "--backend", "cpu", "--threads", "1"};

    @Test
    void sigtermCheckpointsTheRunInProgressAndTheNextStartContinuesIt(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sweep");
        String[] args = concat(new String[] {"sweep", "--data", dataset.toString(), "--seeds", "0", "--variants",
                "gcl-pt,gcl-b", "--out", out.toString(), "--verbose"}, LONG);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + Files.createDirectories(tmp.resolve("jtmp")),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        boolean sent = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.append(line).append('\n');
                // the second run (gcl-b, no pre-training), after its first cooperative epoch
                if (!sent && seen.indexOf("run 1/2 gcl-pt_seed0: AUC") >= 0 && line.startsWith("cooperative epoch 1/")) {
                    new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
                    sent = true;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ends after the signal");
        assertEquals(Main.INTERRUPTED, p.exitValue(), seen.toString());
        assertTrue(seen.toString().contains("run 2/2 gcl-b_seed0: interrupted: wrote the checkpoint"), seen.toString());
        assertTrue(Files.isRegularFile(out.resolve("checkpoints/gcl-b_seed0/state.json")));
        assertTrue(Files.isRegularFile(out.resolve("runs/gcl-pt_seed0/run.json")));
        assertFalse(Files.exists(out.resolve("runs/gcl-b_seed0")), "an interrupted run has no result");

        CliTest.Result resumed = run(concat(args, "--debug"));
        assertEquals(Main.OK, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("skipped 1 runs already complete"), resumed.out());
        assertTrue(resumed.out().contains("run 2/2 gcl-b_seed0: continuing from its checkpoint"), resumed.out());
        assertFalse(Files.exists(out.resolve("checkpoints")), "the finished run's checkpoint is gone");

        Path plain = tmp.resolve("plain");
        String[] uninterrupted = concat(new String[] {"sweep", "--data", dataset.toString(), "--seeds", "0",
                "--variants", "gcl-pt,gcl-b", "--out", plain.toString()}, LONG);
        assertEquals(Main.OK, run(uninterrupted).code());
        assertEquals(Files.readString(plain.resolve("summary.csv")), Files.readString(out.resolve("summary.csv")),
                "the interrupted and continued sweep equals an uninterrupted one");
    }
}
