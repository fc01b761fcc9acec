package dev.gcl.backend;

import dev.gcl.concurrent.Futures;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Runs a loop body over index ranges on a fixed pool. Each index is computed by exactly one task, with no shared
 * accumulation, so results do not depend on the number of threads. Shared by the CPU backends (the reference and
 * the OpenBLAS one, whose passes never run while OpenBLAS's own pool does, so N threads is N busy cores).
 */
public final class RowParallel implements AutoCloseable {
    /** Work below this many multiply-adds runs on the calling thread: forking costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;

    public interface RangeBody {
        void run(int from, int to);
    }

    public interface PartBody {
        void run(int part);
    }

    private final int threads;
    private final ForkJoinPool pool;

    public RowParallel(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    public int threads() {
        return threads;
    }

    /** Runs body over [0, n) split into contiguous ranges; workPerIndex sizes the decision to go parallel. */
    public void forRange(int n, long workPerIndex, RangeBody body) {
        if (pool == null || n < 2 || (long) n * workPerIndex < MIN_PARALLEL_WORK) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n, threads * 4);
        List<Future<?>> futures = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks), to = (int) ((long) n * (c + 1) / chunks);
            futures.add(pool.submit(() -> body.run(from, to)));
        }
        await(futures);
    }

    /**
     * Runs body(0) … body(parts − 1) as one task each (parts at most threads: one per worker) and waits for all;
     * with one thread, in order on the calling thread.
     */
    public void forEachPart(int parts, PartBody body) {
        if (parts > threads) throw new IllegalArgumentException(parts + " parts for " + threads + " threads");
        if (pool == null) {
            for (int p = 0; p < parts; p++) body.run(p);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) {
            int part = p;
            futures.add(pool.submit(() -> body.run(part)));
        }
        await(futures);
    }

    /** Waits for every task, even after one failed or the wait was interrupted: none may outlive the call. */
    private static void await(List<Future<?>> futures) {
        Futures.awaitAll(futures, true);  // an interrupted backend op must not look complete
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
