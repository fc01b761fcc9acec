package dev.gcl.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes that survive a power loss once they return: a file's bytes are fsynced before it is renamed into place,
 * and the directory holding the rename is fsynced after it (on Linux a rename is durable only once its directory
 * is). A process kill alone needs none of this (the kernel keeps what was written); a power cut does.
 */
public final class Durable {
    /** Tests watch the order of syncs and renames through this (null: nobody watches). */
    static volatile Consumer<String> observer;

    private Durable() {}

    /**
     * Replaces {@code file} with {@code bytes} atomically and durably: written to a hidden sibling
     * ({@code .name.tmp-<pid>}), fsynced, renamed onto the file, the parent fsynced. A kill leaves the old file or
     * the new one, never a mix; the hidden sibling of a killed writer is removed by the next write.
     */
    public static void writeFile(Path file, byte[] bytes) {
        Path target = file.toAbsolutePath().normalize();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            AtomicDirectory.settle(target);
            Files.createDirectories(target.getParent());
            Files.write(tmp, bytes);
            syncFile(tmp);
            rename(tmp, target);
            syncDirectory(target.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next write removes it
            }
            throw DiskFull.orUnchecked(target, "cannot write " + target, e);
        }
    }

    /** Forces a file's bytes to the device. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        note("sync " + file);
    }

    /**
     * Forces a directory's entries (creations, renames, deletions in it) to the device. Where the platform cannot
     * open a directory (Windows), there is nothing to do: its renames are durable by themselves.
     */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (Files.isDirectory(dir) && System.getProperty("os.name", "").startsWith("Windows")) return;
            throw e;
        }
        note("sync " + dir + "/");
    }

    /** Every file under root, then every directory from the deepest up to root itself. */
    public static void syncTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.toList();
        }
        for (Path p : all) if (Files.isRegularFile(p)) syncFile(p);
        List<Path> dirs = all.stream().filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        for (Path d : dirs) syncDirectory(d);
    }

    /** An atomic rename (replacing a file, or onto a name that does not exist); the caller syncs the parent. */
    public static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        note("rename " + from + " -> " + to);
    }

    private static void note(String event) {
        Consumer<String> o = observer;
        if (o != null) o.accept(event);
    }
}
