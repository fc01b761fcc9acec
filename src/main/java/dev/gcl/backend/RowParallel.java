package dev.gcl.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
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
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException) throw (RuntimeException) cause;
                if (cause instanceof Error) throw (Error) cause;
                throw new IllegalStateException(cause);
            }
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
    }
}
