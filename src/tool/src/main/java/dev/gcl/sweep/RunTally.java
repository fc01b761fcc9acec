package dev.gcl.sweep;

import java.util.Locale;

/** Counts of a sweep's runs as they start and end, for its progress lines ("3 of 8 done, 2 running"). Thread-safe. */
public final class RunTally {
    private final int total;
    private int done, running, failed, interrupted;

    /** total runs of the folder, of which alreadyDone were complete before this start. */
    public RunTally(int total, int alreadyDone) {
        this.total = total;
        this.done = alreadyDone;
    }

    public synchronized void started() {
        running++;
    }

    public synchronized void finished() {
        running--;
        done++;
    }

    /** A failed run counts as done: it has its result (the error). */
    public synchronized void failedOne() {
        running--;
        done++;
        failed++;
    }

    public synchronized void interruptedOne() {
        running--;
        interrupted++;
    }

    public synchronized int failed() {
        return failed;
    }

    public synchronized int interrupted() {
        return interrupted;
    }

    /** "3 of 8 done, 2 running" (failed ones included in done and named). */
    public synchronized String line() {
        return String.format(Locale.ROOT, "%d of %d done%s, %d running", done, total,
                failed == 0 ? "" : " (" + failed + " failed)", running);
    }
}
