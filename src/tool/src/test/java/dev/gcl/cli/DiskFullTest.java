package dev.gcl.cli;

import dev.gcl.model.CheckpointFiles;
import dev.gcl.model.GclModel;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.gcl.cli.CrashKills.Kill;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs, sweeps and checkpoints writing to a full file system (a 4 MiB tmpfs filled by a file): one line naming
 * the path and "no space left", exit code 2, the previous checkpoint still loadable, nothing half-written; once the
 * filler is deleted the same command continues from that checkpoint and ends bit-identical to a run that never
 * met a full disk. Skips, saying why, where it cannot mount a tmpfs (not root); CI runs as root.
 */
class DiskFullTest {
    @TempDir
    static Path shared;
    static Path dataset;
    static SmallDisk disk;

    @BeforeAll
    static void mountAndGenerate() throws Exception {
        disk = SmallDisk.mount(shared.resolve("small"), "4m");
        assumeTrue(disk != null, () -> "skipped: " + SmallDisk.whyNot);
        new SyntheticDatasetGenerator(SyntheticConfig.small(5)).write(shared.resolve("data"));
        dataset = shared.resolve("data/dataset.yaml");
    }

    @AfterAll
    static void unmount() throws Exception {
        if (disk != null) disk.close();
    }

    @BeforeEach
    void emptyDisk() throws IOException {
        disk.free();
        try (Stream<Path> s = Files.list(disk.dir)) {
            for (Path p : s.toList()) dev.gcl.io.AtomicDirectory.deleteRecursively(p);
        }
    }

    static String[] train(Path out, String... more) {
        return CliTest.concat(CliTest.concat(new String[] {"train", "--quiet", "--data", dataset.toString(), "--out",
                out.toString()}, CrashResumeTest.SETTINGS), more);
    }

    /** The one "gcl: ..." line of stderr (warnings may precede it). */
    static String errorLine(CliTest.Result r) {
        List<String> lines = r.err().lines().filter(l -> l.startsWith("gcl: ")).toList();
        assertEquals(1, lines.size(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        return lines.get(0);
    }

    @Test
    void aCheckpointThatDoesNotFitKeepsThePreviousOneAndTheSameCommandContinuesOnceThereIsRoom(@TempDir Path tmp)
            throws Exception {
        Path reference = tmp.resolve("reference/run");
        assertEquals(Main.OK, CliTest.run(train(reference)).code());
        Path out = disk.dir.resolve("run"), checkpoint = disk.dir.resolve("run-checkpoint");
        CrashKills.Ended e = CrashKills.child(tmp, Kill.at("committed/run-checkpoint", 2), tmp.resolve("child.log"),
                train(out));
        assertEquals(CrashKills.KILLED, e.code(), e.log());
        int before = CheckpointFiles.read(checkpoint).state().position().globalIteration();

        disk.leaveFree(8 * 1024);  // less than one checkpoint
        CliTest.Result full = CliTest.run(train(out));
        assertEquals(Main.BAD_INPUT, full.code(), full.out() + full.err());
        String line = errorLine(full);
        assertTrue(line.contains(checkpoint.toString()) && line.contains("no space left"), line);
        assertEquals(before, CheckpointFiles.read(checkpoint).state().position().globalIteration(),
                "the previous checkpoint is still there and loads");
        assertFalse(Files.exists(out), "no run directory");
        assertEquals(List.of(), CrashKills.hiddenUnder(disk.dir), "nothing half-written");

        disk.free();
        CliTest.Result again = CliTest.run(train(out));
        assertEquals(Main.OK, again.code(), again.err());
        assertTrue(again.out().contains("continuing from the checkpoint " + checkpoint + " (before iteration " + before),
                again.out());
        assertTrue(GclModel.load(out.resolve("model")).generator().bitEquals(
                GclModel.load(reference.resolve("model")).generator()));
        assertTrue(GclModel.load(out.resolve("model")).discriminator().bitEquals(
                GclModel.load(reference.resolve("model")).discriminator()));
        assertFalse(Files.exists(checkpoint));
        System.out.println("disk full (checkpoint): " + line);
    }

    @Test
    void aRunDirectoryThatDoesNotFitLeavesNothingAndTheSameCommandWritesItOnceThereIsRoom() throws Exception {
        Path out = disk.dir.resolve("run");
        disk.leaveFree(64 * 1024);  // the model fits, the pictures do not
        String[] cmd = CliTest.concat(train(out), "--checkpoint-dir", shared.resolve("elsewhere").toString());
        CliTest.Result full = CliTest.run(cmd);
        assertEquals(Main.BAD_INPUT, full.code(), full.out() + full.err());
        String line = errorLine(full);
        assertTrue(line.contains(out + "/") && line.contains("no space left"), line);
        try (Stream<Path> left = Files.list(disk.dir)) {
            assertEquals(List.of("filler"), left.map(p -> p.getFileName().toString()).toList(), "nothing half-written");
        }
        disk.free();
        CliTest.Result again = CliTest.run(cmd);
        assertEquals(Main.OK, again.code(), again.err());
        assertNull(CrashResumeTest.complete(out));
        System.out.println("disk full (run directory): " + line);
    }

    @Test
    void aSweepOnAFullDiskStopsWithOneLineAndTheSameCommandFinishesIt(@TempDir Path tmp) throws Exception {
        String[] settings = {"--seeds", "0-1", "--variants", "gcl-b,ae-all", "--epochs", "2", "--pretrain-epochs", "1",
                "--batch", "128", "--lr", "1e-3", "--g-hidden", "32,16,32", "--d-hidden", "16", "--backend", "cpu",
                "--threads", "1", "--checkpoint-every", "3", "--save-models"};
        Path reference = tmp.resolve("reference"), out = disk.dir.resolve("sweep");
        assertEquals(Main.OK, CliTest.run(CliTest.concat(new String[] {"sweep", "--data", dataset.toString(), "--out",
                reference.toString()}, settings)).code());
        String[] cmd = CliTest.concat(new String[] {"sweep", "--data", dataset.toString(), "--out", out.toString()},
                settings);
        disk.leaveFree(96 * 1024);  // room for about one run and its checkpoints
        CliTest.Result full = CliTest.run(cmd);
        assertEquals(Main.BAD_INPUT, full.code(), full.out() + full.err());
        String line = errorLine(full);
        assertTrue(line.contains(out.toString()) && line.contains("no space left"), line);
        assertEquals(List.of(), CrashKills.hiddenUnder(out), "nothing half-written");
        for (var row : dev.gcl.sweep.SweepResults.read(out)) assertEquals("ok", row.status(), "no run recorded as failed");

        disk.free();
        CliTest.Result again = CliTest.run(cmd);
        assertEquals(Main.OK, again.code(), again.out() + again.err());
        assertEquals(Files.readString(reference.resolve("summary.csv")), Files.readString(out.resolve("summary.csv")));
        System.out.println("disk full (sweep): " + line + " / then: " + again.out().lines().filter(
                l -> l.contains("continuing") || l.startsWith("skipped")).toList());

        // merging it (a one-shard sweep) where the copy does not fit: no merged folder, then a merge once there is room
        Path merged = disk.dir.resolve("merged");
        disk.leaveFree(16 * 1024);
        CliTest.Result mergeFull = CliTest.run("sweep", "merge", out.toString(), "--out", merged.toString());
        assertEquals(Main.BAD_INPUT, mergeFull.code(), mergeFull.out() + mergeFull.err());
        String mergeLine = errorLine(mergeFull);
        assertTrue(mergeLine.contains(merged.toString()) && mergeLine.contains("no space left"), mergeLine);
        assertFalse(Files.exists(merged));
        assertEquals(List.of(), CrashKills.hiddenUnder(disk.dir), "nothing half-written");
        disk.free();
        assertEquals(Main.OK, CliTest.run("sweep", "merge", out.toString(), "--out", merged.toString()).code());
        assertEquals(Files.readString(reference.resolve("summary.csv")), Files.readString(merged.resolve("summary.csv")));
        System.out.println("disk full (merge): " + mergeLine);
    }
}
