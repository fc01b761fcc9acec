package dev.gcl.sweep;

import dev.gcl.io.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One writer per sweep folder: an exclusive lock on {@code DIR/sweep.lock} (fcntl, which NFSv4 and Lustre honour)
 * held while a sweep or a shard writes there. The operating system drops it when the process dies, so a killed
 * or requeued task never leaves a stale lock; the file itself says who held it last.
 */
public final class SweepLock implements AutoCloseable {
    public static final String FILE = "sweep.lock";
    private final FileChannel channel;
    private final FileLock lock;

    private SweepLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or throws an InvalidInputException naming the folder and the holder. */
    public static SweepLock acquire(Path sweepDir) {
        SweepLock l = tryAcquire(sweepDir, true);
        if (l == null) throw new InvalidInputException(sweepDir + ": another process is writing this sweep folder ("
                + holder(sweepDir) + "); two tasks must not share a shard folder");
        return l;
    }

    /** The lock, or null when another process holds it; record writes this process as the holder. */
    private static SweepLock tryAcquire(Path sweepDir, boolean record) {
        Path f = sweepDir.resolve(FILE);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                ch.close();
                return null;
            }
            if (!record) return new SweepLock(ch, lock);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " on " + host() + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            ch.force(false);
            return new SweepLock(ch, lock);
        } catch (IOException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw dev.gcl.io.DiskFull.orUnchecked(f, "cannot lock " + f, e);
        }
    }

    /** Whether a process holds the folder's lock now (false when there is no lock file). */
    public static boolean held(Path sweepDir) {
        if (!Files.isRegularFile(sweepDir.resolve(FILE))) return false;
        SweepLock l = tryAcquire(sweepDir, false);
        if (l == null) return true;
        l.close();
        return false;
    }

    /** The last holder as written in the lock file ("pid 123 on node7"). */
    public static String holder(Path sweepDir) {
        try {
            String s = Files.readString(sweepDir.resolve(FILE)).strip();
            return s.isEmpty() ? "holder unknown" : s;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) return h;
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown host";
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        }
    }
}
