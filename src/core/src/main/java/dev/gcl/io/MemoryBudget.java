package dev.gcl.io;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Refuses an allocation the heap cannot hold, before trying it: an OutOfMemoryError halfway through loading says
 * nothing useful, this says how much is needed and how much the JVM may use.
 */
public final class MemoryBudget {
    private MemoryBudget() {}

    /** Bytes this JVM could still allocate: the maximum heap less what is in use now. */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Throws a {@link DataFormatException} naming source when {@code bytes} exceed {@link #available()}. */
    public static void require(long bytes, Path source, String what) {
        long free = available();
        if (bytes > free) {
            throw new DataFormatException(source, String.format(Locale.ROOT, "%s need %.2f GiB of memory, but this"
                    + " JVM can allocate %.2f GiB more (maximum heap %.2f GiB; raise it with -Xmx, e.g."
                    + " GCL_JAVA_OPTS=-Xmx%dg for ./gcl)", what, gib(bytes), gib(free),
                    gib(Runtime.getRuntime().maxMemory()), (long) Math.ceil(gib(bytes) * 1.5) + 1));
        }
    }

    private static double gib(long bytes) {
        return bytes / (double) (1L << 30);
    }
}
