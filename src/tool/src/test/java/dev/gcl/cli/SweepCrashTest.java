package dev.gcl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gcl.io.CrashPoint;
import dev.gcl.model.GclModel;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static dev.gcl.cli.CrashKills.Kill;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code gcl sweep}, its shards and {@code sweep merge} killed with SIGKILL at moments spread over the whole
 * sweep (and at random times), then the same command again: the summary and every run's result equal the
 * uninterrupted sweep's, each run exactly once, every saved model bit-identical, nothing hidden left behind.
 */
class SweepCrashTest {
    @TempDir
    static Path shared;
    static Path dataset, referenceDir;
    /** 2 variants x 2 seeds, 8 iterations per epoch, a checkpoint every 3 iterations, models kept. */
    static final String[] SETTINGS = {"--seeds", "0-1", "--variants", "gcl-b,ae-all", "--epochs", "2",
            "--pretrain-epochs", "1", "--batch", "128", "--lr", "1e-3", "--g-hidden", "32,16,32", "--d-hidden", "16",
            "--backend", "cpu", "--threads", "1", "--checkpoint-every", "3", "--save-models"};
    static List<String> recorded;

    static String[] sweep(Path out, String... more) {
        return CliTest.concat(CliTest.concat(new String[] {"sweep", "--data", dataset.toString(), "--out",
                out.toString()}, SETTINGS), more);
    }

    @BeforeAll
    static void uninterrupted() {
        new SyntheticDatasetGenerator(SyntheticConfig.small(3)).write(shared.resolve("data"));
        dataset = shared.resolve("data/dataset.yaml");
        referenceDir = shared.resolve("reference/sweep");  // named as each case's, so that the points match
        CrashPoint.startRecording();
        CliTest.Result r = CliTest.run(sweep(referenceDir));
        recorded = CrashPoint.stopRecording();
        assertEquals(Main.OK, r.code(), r.out() + r.err());
    }

    @Test
    void killedAnywhereThenTheSameCommandGivesTheSameSummary(@TempDir Path tmp) throws Exception {
        List<Kill> kills = new ArrayList<>();
        int spots = 11;
        for (int k = 1; k <= spots; k++) kills.add(CrashKills.atIndex(recorded, k * (recorded.size() - 1) / spots));
        for (String p : List.of("commit-set-aside/gcl-b_seed1", "deleting/ae-all_seed0", "wrote/summary.csv")) {
            if (recorded.contains(p)) kills.add(Kill.at(p, 1));
        }
        for (long ms : new long[] {900, 1800, 2700}) kills.add(Kill.after(ms));
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> landed = Collections.synchronizedMap(new TreeMap<>());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < kills.size(); i++) {
                Kill k = kills.get(i);
                Path dir = tmp.resolve("case-" + i);
                jobs.add(pool.submit(() -> {
                    try {
                        Files.createDirectories(dir);
                        Path out = dir.resolve("sweep");
                        CrashKills.Ended e = CrashKills.child(dir, k, dir.resolve("child.log"), sweep(out));
                        if (e.code() == CrashKills.KILLED) landed.merge(CrashKills.stage(k.point()), 1, Integer::sum);
                        else if (!k.timed() || e.code() != Main.OK) {
                            failures.add(k + ": not killed, exit " + e.code() + ":\n" + e.log());
                            return;
                        }
                        CliTest.Result again = CliTest.run(sweep(out));
                        if (again.code() != Main.OK) failures.add(k + ": the same command again: exit " + again.code()
                                + ": " + again.out() + again.err());
                        else {
                            String diff = sameAsReference(out);
                            if (diff != null) failures.add(k + ": " + diff);
                        }
                    } catch (Exception | AssertionError e) {
                        failures.add(k + ": " + e);
                    }
                }));
            }
            for (Future<?> f : jobs) f.get();
        } finally {
            pool.shutdownNow();
        }
        int killed = landed.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("crash test (sweep): " + killed + " SIGKILLs of " + kills.size() + " cases, by stage " + landed);
        assertTrue(failures.isEmpty(), failures.size() + " cases failed:\n" + String.join("\n", failures));
        assertTrue(killed >= 12, "at least 12 kills landed: " + landed);
    }

    @Test
    void shardsAndMergeKilledThenRerunEqualTheWholeSweep(@TempDir Path tmp) throws Exception {
        Path s0 = tmp.resolve("s0"), s1 = tmp.resolve("s1"), merged = tmp.resolve("merged");
        CrashKills.Ended e = CrashKills.child(tmp, Kill.at("commit-set-aside/gcl-b_seed0", 1), tmp.resolve("s0.log"),
                sweep(s0, "--shard", "0/2"));
        assertEquals(CrashKills.KILLED, e.code(), e.log());
        assertEquals(Main.OK, CliTest.run(sweep(s0, "--shard", "0/2")).code());
        e = CrashKills.child(tmp, Kill.after(1500), tmp.resolve("s1.log"), sweep(s1, "--shard", "1/2"));
        CliTest.Result r = CliTest.run(sweep(s1, "--shard", "1/2"));
        assertEquals(Main.OK, r.code(), r.out() + r.err());

        String[] merge = {"sweep", "merge", s0.toString(), s1.toString(), "--out", merged.toString()};
        e = CrashKills.child(tmp, Kill.at("merge-copied", 3), tmp.resolve("merge.log"), merge);
        assertEquals(CrashKills.KILLED, e.code(), e.log());
        assertFalse(Files.exists(merged), "a merge killed half-way leaves no merged folder");
        r = CliTest.run(merge);
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertNull(sameAsReference(merged));
        // a second merge replacing the first, killed between its two renames: the first is put back, then replaced
        e = CrashKills.child(tmp, Kill.at("commit-set-aside/merged", 1), tmp.resolve("merge2.log"), merge);
        assertEquals(CrashKills.KILLED, e.code(), e.log());
        r = CliTest.run(merge);
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertNull(sameAsReference(merged));
    }

    /** Null when the sweep folder's results equal the uninterrupted sweep's; else what differs. */
    static String sameAsReference(Path out) throws IOException {
        String summary = Files.readString(out.resolve("summary.csv"));
        if (!summary.equals(Files.readString(referenceDir.resolve("summary.csv")))) return "summary.csv differs:\n" + summary;
        Map<String, String> mine = results(out), theirs = results(referenceDir);
        if (!mine.equals(theirs)) return "results differ: " + mine + " vs " + theirs;
        List<String> runs;
        try (Stream<Path> s = Files.list(out.resolve("runs"))) {
            runs = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        if (!runs.equals(List.copyOf(new TreeMap<>(theirs).keySet()))) return "runs/ holds " + runs;
        for (String id : runs) {
            GclModel a = GclModel.load(out.resolve("runs").resolve(id).resolve("model"));
            GclModel b = GclModel.load(referenceDir.resolve("runs").resolve(id).resolve("model"));
            boolean same = a.generator().bitEquals(b.generator()) && (a.discriminator() == null
                    ? b.discriminator() == null : a.discriminator().bitEquals(b.discriminator()));
            if (!same) return id + ": weights differ from the uninterrupted sweep's";
        }
        if (Files.exists(out.resolve(SweepCommand.CHECKPOINTS))) return "checkpoints left: " + out.resolve(SweepCommand.CHECKPOINTS);
        List<String> hidden = CrashKills.hiddenUnder(out);
        return hidden.isEmpty() ? null : "left behind: " + hidden;
    }

    /** results.jsonl as id -> status and AUCs (times differ between runs and are left out); one row per id. */
    private static Map<String, String> results(Path dir) throws IOException {
        Map<String, String> rows = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve("results.jsonl"))) {
            JsonNode r = json.readTree(line);
            String id = r.path("id").asText();
            String prev = rows.put(id, r.path("status").asText() + " " + r.path("auc_roc") + " " + r.path("auc_pr"));
            if (prev != null) rows.put(id, "counted twice");
        }
        return rows;
    }
}
