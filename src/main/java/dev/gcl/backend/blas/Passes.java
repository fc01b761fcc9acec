package dev.gcl.backend.blas;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * The Java passes' threads: a loop body over contiguous index ranges on a fixed pool of the backend's thread count.
 * Each index is computed by one task with no shared accumulation, so a pass gives the same bits whatever the
 * split. The pool never runs while OpenBLAS's does (ops run one after another), so N threads is N busy cores.
 */
final class Passes implements AutoCloseable {
    /** Work below this many element-operations runs on the calling thread: forking costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 15;

    interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    private final ForkJoinPool pool;

    Passes(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    int threads() {
        return threads;
    }

    /** Runs body over [0, n) split into contiguous ranges; workPerIndex sizes the decision to go parallel. */
    void forRange(int n, long workPerIndex, RangeBody body) {
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
