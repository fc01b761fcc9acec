package dev.gcl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gcl.io.CrashPoint;
import dev.gcl.model.CheckpointFiles;
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
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static dev.gcl.cli.CrashKills.Kill;
import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code gcl train} killed with SIGKILL at many moments (loading, training, checkpoint writes, evaluation, model
 * and report writes, and at random times), then the same command again: every run ends with weights bit-identical
 * to an uninterrupted run's (reference backend) and a complete run directory; a kill after the first checkpoint
 * never loses it; nothing half-written or hidden is left.
 */
class CrashResumeTest {
    @TempDir
    static Path shared;
    static Path dataset;
    /** gcl-pt, 1 + 1 + 3 epochs of 15 iterations, a checkpoint every 8 iterations, epoch AUC and pictures on. */
    static final String[] SETTINGS = {"--variant", "gcl-pt", "--epochs", "3", "--pretrain-epochs", "1", "--batch", "64",
            "--lr", "1e-3", "--g-hidden", "32,16,32", "--d-hidden", "16", "--cleaning", "quantile", "--backend", "cpu",
            "--threads", "1", "--checkpoint-every", "8"};
    static GclModel reference;
    /** The crash points an uninterrupted run reaches, in order. */
    static List<String> recorded;

    static String[] train(Path out) {
        return CliTest.concat(new String[] {"train", "--quiet", "--data", dataset.toString(), "--out", out.toString()},
                SETTINGS);
    }

    @BeforeAll
    static void uninterrupted() {
        new SyntheticDatasetGenerator(SyntheticConfig.small(5)).write(shared.resolve("data"));
        dataset = shared.resolve("data/dataset.yaml");
        Path out = shared.resolve("reference/run");  // the same names as each case's, so the points match
        CrashPoint.startRecording();
        CliTest.Result r = CliTest.run(train(out));
        recorded = CrashPoint.stopRecording();
        assertEquals(Main.OK, r.code(), r.err());
        reference = GclModel.load(out.resolve("model"));
    }

    /** One case: what happened, for the summary and for failures. */
    record Outcome(Kill kill, String stage, boolean killed, long childMillis, String failure) {}

    @Test
    void killedAnywhereThenTheSameCommandEndsBitIdentical(@TempDir Path tmp) throws Exception {
        List<Kill> named = CrashKills.spreadOver(recorded, List.of("iteration", "checkpoint-npz-half",
                "commit-set-aside/run-checkpoint"));
        int firstCheckpoint = recorded.indexOf("committed/run-checkpoint");
        assertTrue(firstCheckpoint >= 0 && named.size() >= 30, "points: " + named);
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong longestChild = new AtomicLong(2000);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < named.size(); i++) {
                Kill k = named.get(i);
                Path dir = tmp.resolve("case-" + i);
                boolean progressKept = CrashKills.position(recorded, k) >= firstCheckpoint;
                jobs.add(pool.submit(() -> outcomes.add(runCase(dir, List.of(k), progressKept, longestChild))));
            }
            // two kills in a row: the continued run killed again inside its own checkpoint and model writes
            String[][] chains = {{"iteration", "commit-set-aside/run-checkpoint"}, {"checkpoint-npz-half", "model-weights-half"}};
            for (int i = 0; i < chains.length; i++) {
                List<Kill> ks = List.of(Kill.at(chains[i][0], 20 % count(chains[i][0]) + 1), Kill.at(chains[i][1], 1));
                Path dir = tmp.resolve("chain-" + i);
                jobs.add(pool.submit(() -> outcomes.add(runCase(dir, ks, false, longestChild))));
            }
            for (Future<?> f : jobs) f.get();
            Random random = new Random(20);
            jobs.clear();
            for (int i = 0; i < 4; i++) {
                Kill k = Kill.after(300 + (long) (random.nextDouble() * longestChild.get()));
                Path dir = tmp.resolve("timed-" + i);
                jobs.add(pool.submit(() -> outcomes.add(runCase(dir, List.of(k), false, longestChild))));
            }
            for (Future<?> f : jobs) f.get();
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> byStage = new TreeMap<>();
        int killed = 0;
        List<String> failures = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.killed()) {
                killed++;
                byStage.merge(o.stage(), 1, Integer::sum);
            }
            if (o.failure() != null) failures.add(o.kill() + ": " + o.failure());
        }
        System.out.println("crash test (train): " + killed + " SIGKILLs by stage " + byStage + " over " + outcomes.size()
                + " cases; longest child " + longestChild.get() + " ms");
        assertTrue(failures.isEmpty(), failures.size() + " cases failed:\n" + String.join("\n", failures));
        assertTrue(killed >= 30, "at least 30 kills, got " + killed);
    }

    private static int count(String point) {
        return (int) recorded.stream().filter(point::equals).count();
    }

    /**
     * Runs the command in children killed as kills say (each kill in the run the previous one left), checks
     * what is left, runs the same command again in this JVM, and checks the result. Returns the failure, if any.
     */
    private static Outcome runCase(Path dir, List<Kill> kills, boolean progressKept, AtomicLong longestChild) {
        Kill first = kills.get(0);
        Path out = dir.resolve("run"), checkpoint = dir.resolve("run-checkpoint");
        boolean killed = false;
        long millis = 0;
        try {
            Files.createDirectories(dir);
            for (Kill k : kills) {
                CrashKills.Ended e = CrashKills.child(dir, k, dir.resolve("child.log"), train(out));
                millis = e.millis();
                longestChild.accumulateAndGet(e.millis(), Math::max);
                if (e.code() == 0) {
                    if (!k.timed()) return new Outcome(k, CrashKills.stage(k.point()), false, millis,
                            "the child was not killed (exit 0):\n" + e.log());
                    break;  // the timer came after the end: nothing to resume
                }
                if (e.code() != CrashKills.KILLED) {
                    return new Outcome(k, CrashKills.stage(k.point()), false, millis, "exit " + e.code() + ":\n" + e.log());
                }
                killed = true;
            }
            String failure = checkLeftovers(out, checkpoint, progressKept);
            if (failure == null) failure = continueAndCompare(dir, out, checkpoint, progressKept);
            return new Outcome(first, CrashKills.stage(first.point()), killed, millis, failure);
        } catch (Exception | AssertionError e) {
            return new Outcome(first, CrashKills.stage(first.point()), killed, millis, e.toString());
        }
    }

    /**
     * Right after the kill, looking without repairing anything: a run directory is whole or absent; a checkpoint,
     * once written, is never lost (at worst set aside by a kill between two renames, for the command to put back).
     */
    private static String checkLeftovers(Path out, Path checkpoint, boolean progressKept) throws IOException {
        if (Files.exists(out)) return complete(out);
        if (progressKept && !Files.isDirectory(checkpoint)) {
            try (var siblings = Files.list(checkpoint.getParent())) {
                if (siblings.noneMatch(p -> p.getFileName().toString().startsWith(".run-checkpoint.old-"))) {
                    return "the checkpoint written before the kill is gone";
                }
            }
        } else if (progressKept) {
            try {
                CheckpointFiles.read(checkpoint);
            } catch (RuntimeException e) {
                return "the checkpoint left is unreadable: " + e.getMessage();
            }
        }
        return null;
    }

    /** The same command again (or, when the run had finished, its checkpoint resumed), then the comparison. */
    private static String continueAndCompare(Path dir, Path out, Path checkpoint, boolean progressKept) throws IOException {
        if (!Files.exists(out)) {
            CliTest.Result r = CliTest.run(train(out));
            if (r.code() != Main.OK) return "the same command again: exit " + r.code() + ": " + r.err();
            if (progressKept && !r.out().contains("continuing from the checkpoint")) {
                return "the same command started afresh instead of continuing: " + r.out();
            }
        } else {
            if (Files.exists(checkpoint)) {
                CliTest.Result r = CliTest.run("train", "--quiet", "--resume", checkpoint.toString());
                if (r.code() != Main.OK) return "--resume of the finished run's checkpoint: exit " + r.code() + ": " + r.err();
            }
            CliTest.Result again = CliTest.run(train(out));  // a finished run is not trained twice
            if (again.code() != Main.BAD_INPUT || !again.err().contains("already exists")) {
                return "the same command after the run had finished: exit " + again.code() + ": " + again.err();
            }
        }
        String incomplete = complete(out);
        if (incomplete != null) return incomplete;
        GclModel m = GclModel.load(out.resolve("model"));
        if (!m.generator().bitEquals(reference.generator()) || !m.discriminator().bitEquals(reference.discriminator())) {
            return "weights differ from the uninterrupted run's";
        }
        if (Files.exists(checkpoint)) return "the checkpoint of the finished run is still there";
        List<String> hidden = CrashKills.hiddenUnder(dir);
        if (!hidden.isEmpty()) return "left behind: " + hidden;
        return null;
    }

    /** Null when dir is a whole run directory: run.json with status ok, a loadable model, every picture listed. */
    static String complete(Path dir) throws IOException {
        Path json = dir.resolve("run.json");
        if (!Files.isRegularFile(json)) return dir + " has no run.json";
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        if (!"ok".equals(r.path("status").asText())) return json + ": status " + r.path("status");
        try {
            GclModel.load(dir.resolve("model"));
        } catch (RuntimeException e) {
            return dir + ": the model does not load: " + e.getMessage();
        }
        if (r.path("pictures").size() < 4) return json + ": too few pictures " + r.path("pictures");
        for (JsonNode p : r.path("pictures")) {
            if (!Files.isRegularFile(dir.resolve(p.asText()))) return dir + ": picture " + p + " is missing";
        }
        return null;
    }
}
