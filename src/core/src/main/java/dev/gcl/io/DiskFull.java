package dev.gcl.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A write that failed because the file system is full (ENOSPC) or the user's quota is spent (EDQUOT): one line
 * naming the path and "no space left on device", which the tool reports with exit code 2 (the writer has already
 * removed what it had half-written).
 */
public final class DiskFull extends UncheckedIOException {
    private final Path path;

    public DiskFull(Path path, IOException cause) {
        super(shown(path) + ": no space left on device" + (quota(cause) ? " (disk quota exceeded)" : ""), cause);
        this.path = path;
    }

    /** Where the write failed. */
    public Path path() {
        return path;
    }

    /** A DiskFull for path when e says the disk is full, else an UncheckedIOException "failed: cause". */
    public static UncheckedIOException orUnchecked(Path path, String failed, IOException e) {
        if (full(e)) return new DiskFull(path, e);
        return new UncheckedIOException(failed + ": " + e.getMessage(), e);
    }

    /** The DiskFull among t and its causes, or null. */
    public static DiskFull in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DiskFull d) return d;
        }
        return null;
    }

    /** Whether t or one of its causes is a full disk, reported as DiskFull or as a plain IOException. */
    public static boolean causes(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DiskFull || (c instanceof IOException io && full(io))) return true;
        }
        return false;
    }

    /** A file inside an AtomicDirectory's staging is named where it was to appear: .run.tmp-42/x.png as run/x.png. */
    private static String shown(Path path) {
        return path.toString().replaceAll("/\\.([^/]+)\\.tmp-\\d+(?=/|$)", "/$1");
    }

    private static boolean full(IOException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) return true;
        }
        return false;
    }

    private static boolean quota(IOException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("Disk quota exceeded")) return true;
        }
        return false;
    }
}
