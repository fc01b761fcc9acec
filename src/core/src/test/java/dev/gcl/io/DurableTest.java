package dev.gcl.io;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The order that makes a write survive a power loss (no test can cut the power: this one watches the syscalls'
 * order through {@link Durable#observer}): every file and directory of a staged tree fsynced before the rename that
 * publishes it, the parent fsynced after; and the repairs of {@link AtomicDirectory#settle} after a kill.
 */
class DurableTest {
    /** A pid no process has (Linux pids stay below 2^22). */
    static final long DEAD = 2_000_000_000L;
    final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stopWatching() {
        Durable.observer = null;
    }

    @Test
    void aCommittedDirectoryIsSyncedFileByFileThenRenamedThenItsParentSynced(@TempDir Path tmp) throws IOException {
        Path target = tmp.resolve("ckpt");
        Files.createDirectories(target);
        Files.writeString(target.resolve("state.json"), "old");
        Durable.observer = events::add;
        Path staging;
        try (AtomicDirectory out = AtomicDirectory.create(target, true)) {
            staging = out.path();
            Files.writeString(staging.resolve("state.json"), "new");
            Files.createDirectories(staging.resolve("sub"));
            Files.writeString(staging.resolve("sub/state.npz"), "npz");
            out.commit();
        }
        int publish = events.indexOf("rename " + staging + " -> " + target);
        assertTrue(publish > 0, events.toString());
        for (String synced : List.of("sync " + staging.resolve("state.json"), "sync " + staging.resolve("sub/state.npz"),
                "sync " + staging.resolve("sub") + "/", "sync " + staging + "/")) {
            int at = events.indexOf(synced);
            assertTrue(at >= 0 && at < publish, synced + " before the rename: " + events);
        }
        assertEquals("sync " + tmp + "/", events.get(publish + 1), "the parent right after the rename: " + events);
        assertEquals("new", Files.readString(target.resolve("state.json")));
        assertEquals(List.of("ckpt"), names(tmp), "nothing set aside is left");
    }

    @Test
    void aFileIsWrittenBesideSyncedRenamedOntoTheOldOneAndItsDirectorySynced(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("results.csv");
        Files.writeString(file, "old");
        Files.writeString(tmp.resolve(".results.csv.tmp-" + DEAD), "half of what a killed writer wrote");
        Durable.observer = events::add;
        Durable.writeFile(file, "new".getBytes(StandardCharsets.UTF_8));
        Path staged = tmp.resolve(".results.csv.tmp-" + ProcessHandle.current().pid());
        assertEquals(List.of("sync " + staged, "rename " + staged + " -> " + file, "sync " + tmp + "/"), events);
        assertEquals("new", Files.readString(file));
        assertEquals(List.of("results.csv"), names(tmp), "the dead writer's leftover is gone too");
    }

    @Test
    void recoverAndSettlePutBackWhatAWriterKilledBetweenItsTwoRenamesHadSetAsideAndSettleRemovesDeadWritersLeftovers(@TempDir Path tmp)
            throws IOException {
        Path target = tmp.resolve("run-checkpoint");
        Path aside = Files.createDirectories(tmp.resolve(".run-checkpoint.old-" + DEAD));
        Files.writeString(aside.resolve("state.json"), "previous");
        Files.createDirectories(tmp.resolve(".run-checkpoint.tmp-" + DEAD));
        Files.createDirectories(tmp.resolve(".run-checkpoint.del-" + DEAD));
        Path live = Files.createDirectories(tmp.resolve(".run-checkpoint.tmp-" + ProcessHandle.current().pid()));
        Files.createDirectories(tmp.resolve(".other.tmp-" + DEAD));
        AtomicDirectory.recover(target);  // what a reader does: only the set-aside directory comes back
        assertEquals("previous", Files.readString(target.resolve("state.json")));
        assertEquals(Stream.of(".other.tmp-" + DEAD, ".run-checkpoint.del-" + DEAD, ".run-checkpoint.tmp-" + DEAD,
                live.getFileName().toString(), "run-checkpoint").sorted().toList(), names(tmp));
        AtomicDirectory.settle(target);  // what a writer does first
        assertEquals(Stream.of(".other.tmp-" + DEAD, live.getFileName().toString(), "run-checkpoint").sorted().toList(),
                names(tmp),
                "a live writer's staging and other targets' leftovers are not touched");
    }

    @Test
    void deleteRenamesFirstSoThatAKillLeavesNoHalfDirectoryUnderItsName(@TempDir Path tmp) throws IOException {
        Path target = Files.createDirectories(tmp.resolve("run-checkpoint"));
        Files.writeString(target.resolve("state.json"), "x");
        Files.writeString(target.resolve("state.npz"), "y");
        Durable.observer = events::add;
        AtomicDirectory.delete(target);
        Path doomed = tmp.resolve(".run-checkpoint.del-" + ProcessHandle.current().pid());
        assertEquals(List.of("rename " + target + " -> " + doomed, "sync " + tmp + "/"), events);
        assertEquals(List.of(), names(tmp));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
