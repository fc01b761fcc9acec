package dev.gcl.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory that appears complete or not at all: files are written into a hidden sibling
 * ({@code .name.tmp-<pid>}), and {@link #commit()} fsyncs every file and directory in it, renames it onto the
 * target and fsyncs the parent. Closing without committing deletes the sibling, so a failed writer leaves nothing
 * half-written. Replacing an existing target takes two renames (the old one aside to {@code .name.old-<pid>},
 * then the new one into place); a process killed between them, or while writing, leaves hidden siblings that
 * {@link #settle(Path)} repairs: the next writer of the target puts the set-aside directory back and removes what
 * dead processes left; a reader puts the set-aside directory back with {@link #recover(Path)}. Guarantees and their tests: docs/durability.md.
 *
 * <pre>{@code
 * try (AtomicDirectory out = AtomicDirectory.create(dir, force)) {
 *     Files.writeString(out.path().resolve("run.json"), json);
 *     out.commit();
 * }
 * }</pre>
 */
public final class AtomicDirectory implements AutoCloseable {
    private static final Pattern LEFTOVER = Pattern.compile("\\.(.+)\\.(tmp|old|del)-(\\d+)");
    private final Path target;
    private final Path staging;
    private boolean committed;

    private AtomicDirectory(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /**
     * Starts writing {@code dir}. If it exists and {@code replace} is false, throws an
     * {@link InvalidInputException} that says so (and suggests --force) before anything is written.
     */
    public static AtomicDirectory create(Path dir, boolean replace) {
        Path target = dir.toAbsolutePath().normalize();
        settle(target);
        if (Files.exists(target) && !replace) {
            throw new InvalidInputException(dir + ": already exists (use --force to replace it)");
        }
        Path staging = sibling(target, "tmp");
        try {
            Files.createDirectories(target.getParent());
            deleteRecursively(staging);
            Files.createDirectory(staging);
        } catch (IOException e) {
            throw DiskFull.orUnchecked(target, "cannot create " + staging, e);
        }
        return new AtomicDirectory(target, staging);
    }

    /** Where to write the files until {@link #commit()}. */
    public Path path() {
        return staging;
    }

    /** The final location. */
    public Path target() {
        return target;
    }

    /**
     * Makes the staging directory durable (every file, then every directory, fsynced) and renames it onto the
     * target (replacing an old one), then fsyncs the parent so that the rename itself survives a power loss.
     */
    public void commit() {
        String name = target.getFileName().toString();
        try {
            Durable.syncTree(staging);
            CrashPoint.reached("commit-synced/" + name);
            if (Files.exists(target)) {
                Path old = sibling(target, "old");
                deleteRecursively(old);
                Durable.rename(target, old);
                CrashPoint.reached("commit-set-aside/" + name);
                Durable.rename(staging, target);
                Durable.syncDirectory(target.getParent());
                deleteRecursively(old);
            } else {
                Durable.rename(staging, target);
                Durable.syncDirectory(target.getParent());
            }
            committed = true;
            CrashPoint.reached("committed/" + name);
        } catch (IOException e) {
            throw DiskFull.orUnchecked(target, "cannot complete " + target, e);
        }
    }

    @Override
    public void close() {
        if (committed) return;
        try {
            deleteRecursively(staging);
        } catch (IOException ignored) {
            // best effort: a leftover staging directory is removed by the next settle()
        }
    }

    /**
     * Deletes a directory written here as one step: it is renamed to a hidden sibling first, so that a process
     * killed while deleting never leaves half of it under its own name (a checkpoint with state.json but no
     * state.npz); the hidden rest is removed now or by the next {@link #settle(Path)}. Nothing if absent.
     */
    public static void delete(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (!Files.exists(target)) return;
        Path doomed = sibling(target, "del");
        deleteRecursively(doomed);
        Durable.rename(target, doomed);
        Durable.syncDirectory(target.getParent());
        deleteTree(doomed, "deleting/" + target.getFileName());
    }

    /**
     * Called by the writer of {@code dir} before it writes: repairs what processes killed while writing or deleting {@code dir} (a directory, or a file written by
     * {@link Durable#writeFile}) left beside it. When the target is
     * missing and a dead process had set the previous one aside (killed between the two renames of a replace),
     * the previous one is renamed back; staging, set-aside and deleting siblings of dead processes are removed.
     * Siblings of live processes (a writer at work) are left alone. Cheap: one listing of the parent.
     */
    public static void settle(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null || target.getFileName() == null || !Files.isDirectory(parent)) return;
        String name = target.getFileName().toString();
        List<Path> dead = new ArrayList<>();
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path p : entries.toList()) {
                Matcher m = LEFTOVER.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(name) && !alive(Long.parseLong(m.group(3)))) dead.add(p);
            }
            dead.sort(Comparator.comparing(p -> !p.getFileName().toString().contains(".old-")));  // set-aside first
            for (Path p : dead) {
                if (p.getFileName().toString().contains(".old-") && !Files.exists(target)) {
                    Durable.rename(p, target);
                    Durable.syncDirectory(parent);
                } else {
                    deleteRecursively(p);
                }
            }
        } catch (IOException e) {
            throw DiskFull.orUnchecked(target, "cannot tidy what an interrupted writer left beside " + target, e);
        }
    }

    /**
     * What a reader may repair: when {@code dir} is missing because a process was killed between the two renames
     * of a replace, the set-aside previous version is put back. Leaves every other sibling alone (a writer on
     * another machine of a shared file system may be at work; only a writer of dir tidies, with {@link #settle}).
     */
    public static void recover(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null || target.getFileName() == null || Files.exists(target) || !Files.isDirectory(parent)) return;
        String name = target.getFileName().toString();
        try (Stream<Path> entries = Files.list(parent)) {
            for (Path p : entries.toList()) {
                Matcher m = LEFTOVER.matcher(p.getFileName().toString());
                if (m.matches() && m.group(1).equals(name) && m.group(2).equals("old")
                        && !alive(Long.parseLong(m.group(3)))) {
                    Durable.rename(p, target);
                    Durable.syncDirectory(parent);
                    return;
                }
            }
        } catch (IOException e) {
            throw DiskFull.orUnchecked(target, "cannot put back " + target + " from beside it", e);
        }
    }

    /** Deletes a file or a directory tree; nothing if absent. */
    public static void deleteRecursively(Path p) throws IOException {
        deleteTree(p, null);
    }

    /** The tree, files first; point (when not null) is a crash point reached after the first file is gone. */
    private static void deleteTree(Path p, String point) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path q : all) {
                Files.deleteIfExists(q);
                if (point != null && q == all.get(0)) CrashPoint.reached(point);
            }
        }
    }

    private static Path sibling(Path target, String kind) {
        return target.resolveSibling("." + target.getFileName() + "." + kind + "-" + ProcessHandle.current().pid());
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
