package dev.gcl.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A size-limited tmpfs mounted for a test (root only: {@code mount -t tmpfs -o size=...}), a file that fills it
 * to a chosen number of free bytes, and the unmount. {@link #mount} returns null with the reason in
 * {@link #whyNot} where it cannot mount, so the test can skip saying why.
 */
final class SmallDisk implements AutoCloseable {
    static String whyNot;
    final Path dir;
    private final Path filler;

    private SmallDisk(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Mounts a tmpfs of size (e.g. "4m") on dir, or returns null and sets whyNot. */
    static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String uid = run(List.of("id", "-u"));
        if (!"0".equals(uid.strip())) {
            whyNot = "mounting a small tmpfs needs root (uid " + uid.strip() + ")";
            return null;
        }
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            whyNot = "mount -t tmpfs failed: " + out.strip();
            return null;
        }
        return new SmallDisk(dir);
    }

    /** Fills the file system until only about free bytes are left (page-rounded by tmpfs). */
    void leaveFree(long free) throws IOException {
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            ByteBuffer page = ByteBuffer.allocate(4096);
            try {
                while (true) {
                    chunk.clear();
                    ch.write(chunk, ch.size());
                }
            } catch (IOException full) {
                // 64 KiB no longer fit: fill the rest page by page
            }
            try {
                while (true) {
                    page.clear();
                    ch.write(page, ch.size());
                }
            } catch (IOException full) {
                // full
            }
            ch.truncate(Math.max(0, ch.size() - free));
        }
    }

    /** Deletes the filler: the file system has room again. */
    void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (new ProcessBuilder("umount", dir.toString()).start().waitFor() != 0) {
            new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor();
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
