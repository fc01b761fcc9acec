package dev.gcl.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named moments at which the crash tests kill the process: writers call {@link #reached(String)} at the points
 * where a kill is most likely to leave something half-done (between two renames, inside a file, after a commit).
 * Off unless the JVM was started with {@code -Dgcl.crashAt=NAME@N}: then the N-th time NAME is reached the
 * process sends itself SIGKILL (no shutdown hook, no finally block, no buffered byte gets out), as a cluster's
 * OOM killer or a preemption would; without a {@code kill} command it halts, which leaves the disk the same way. Only tests set the property (docs/durability.md lists the points).
 */
public final class CrashPoint {
    private static final String SPEC = System.getProperty("gcl.crashAt");
    private static final String NAME = SPEC == null ? null : SPEC.substring(0, Math.max(0, SPEC.lastIndexOf('@')));
    private static final int NTH = SPEC == null || SPEC.lastIndexOf('@') < 0 ? 1
            : Integer.parseInt(SPEC.substring(SPEC.lastIndexOf('@') + 1));
    private static final AtomicInteger HITS = new AtomicInteger();
    /** Every point reached, in order, while a test records (null: not recording). */
    private static volatile List<String> recorded;

    private CrashPoint() {}

    /** A named moment; kills the process when it is the one -Dgcl.crashAt names. */
    public static void reached(String name) {
        List<String> r = recorded;
        if (r != null) {
            synchronized (r) {
                r.add(name);
            }
        }
        if (NAME == null || !NAME.equals(name)) return;
        if (HITS.incrementAndGet() == NTH) killThisProcess(name);
    }

    /** Starts recording the points reached in this JVM (tests: to choose where to kill the next child). */
    public static void startRecording() {
        recorded = new ArrayList<>();
    }

    /** The points reached since {@link #startRecording()}, in order; stops recording. */
    public static List<String> stopRecording() {
        List<String> r = recorded;
        recorded = null;
        if (r == null) return List.of();
        synchronized (r) {
            return List.copyOf(r);
        }
    }

    private static void killThisProcess(String name) {
        long pid = ProcessHandle.current().pid();
        System.err.println("gcl: crash point " + name + "@" + NTH + " reached: SIGKILL to pid " + pid);
        try {
            new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(10_000);  // the signal is on its way; nothing more may happen here
        } catch (Exception e) {
            // no kill command: fall through to halt, which skips shutdown hooks and finally blocks alike
        }
        Runtime.getRuntime().halt(137);
    }
}
