package dev.gcl.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory that appears complete or not at all: files are written into a hidden sibling
 * ({@code .name.tmp-<pid>}), fsynced, and the sibling is renamed onto the target by {@link #commit()}. Closing
 * without committing deletes the sibling, so a failed or interrupted writer leaves nothing half-written.
 *
 * <pre>{@code
 * try (AtomicDirectory out = AtomicDirectory.create(dir, force)) {
 *     Files.writeString(out.path().resolve("run.json"), json);
 *     out.commit();
 * }
 * }</pre>
 */
public final class AtomicDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    private AtomicDirectory(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /**
     * Starts writing {@code dir}. If it exists and {@code replace} is false, throws an
     * {@link IllegalArgumentException} that says so (and suggests --force) before anything is written.
     */
    public static AtomicDirectory create(Path dir, boolean replace) {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !replace) {
            throw new IllegalArgumentException(dir + ": already exists (use --force to replace it)");
        }
        Path staging = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(target.getParent());
            deleteRecursively(staging);
            Files.createDirectory(staging);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + staging + ": " + e.getMessage(), e);
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

    /** Fsyncs every file written and renames the staging directory onto the target (replacing an old one). */
    public void commit() {
        try {
            try (Stream<Path> files = Files.walk(staging)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                }
            }
            String name = target.getFileName().toString();
            CrashPoint.reached("commit-synced/" + name);
            if (Files.exists(target)) {
                Path old = target.resolveSibling("." + target.getFileName() + ".old-" + ProcessHandle.current().pid());
                deleteRecursively(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                CrashPoint.reached("commit-set-aside/" + name);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                deleteRecursively(old);
            } else {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            }
            committed = true;
            CrashPoint.reached("committed/" + name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot complete " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (committed) return;
        try {
            deleteRecursively(staging);
        } catch (IOException ignored) {
            // best effort: a leftover hidden staging directory is visible and harmless
        }
    }

    /** Deletes a file or a directory tree; nothing if absent. */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path q : all) {
                Files.deleteIfExists(q);
                if (q == all.get(0)) CrashPoint.reached("deleting/" + p.getFileName());
            }
        }
    }
}
