package dev.gcl.concurrent;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a group of tasks so that none outlives the call. */
public final class Futures {
    private Futures() {}

    /**
     * Waits for every task, even after one failed or the wait was interrupted, then rethrows the first failure (an
     * unchecked one as is, a checked one in an IllegalStateException). An interrupt is kept on the thread; with
     * throwIfInterrupted and no failure to rethrow, it also ends the call as IllegalStateException("interrupted").
     */
    public static void awaitAll(List<? extends Future<?>> futures, boolean throwIfInterrupted) {
        Throwable failure = null;
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (failure == null) failure = e.getCause();
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            if (throwIfInterrupted && failure == null) throw new IllegalStateException("interrupted");
        }
        if (failure instanceof RuntimeException) throw (RuntimeException) failure;
        if (failure instanceof Error) throw (Error) failure;
        if (failure != null) throw new IllegalStateException(failure);
    }
}
