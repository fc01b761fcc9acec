package dev.gcl.sweep;

import dev.gcl.concurrent.Futures;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs a sweep's runs {@code jobs} at a time, each on a worker thread of its own, in plan order as workers become
 * free. The body handles a run's own failures (a failed run is recorded and the others go on); once
 * {@code stopRequested} turns true, or the body has thrown (a full disk), no further run starts, and the ones
 * running finish on their own (they checkpoint and stop at their next iteration boundary). Returns when every
 * started run has ended, rethrowing the first exception the body threw.
 */
public final class ConcurrentRuns {
    private ConcurrentRuns() {}

    public static <T> void run(List<T> runs, int jobs, BooleanSupplier stopRequested, Consumer<T> body) {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        if (jobs == 1 || runs.size() <= 1) {
            for (T r : runs) {
                if (stopRequested.getAsBoolean()) return;
                body.accept(r);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger worker = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean thrown = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, runs.size()), task -> {
            Thread t = new Thread(task, "gcl-sweep-run-" + worker.incrementAndGet());
            t.setDaemon(true);  // never keeps the JVM alive on its own
            return t;
        });
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < runs.size(); i = next.getAndIncrement()) {
                if (stopRequested.getAsBoolean() || thrown.get()) return;
                try {
                    body.accept(runs.get(i));
                } catch (RuntimeException | Error e) {
                    thrown.set(true);  // what the body did not handle ends the sweep: no further run starts
                    throw e;
                }
            }
        };
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int w = 0; w < Math.min(jobs, runs.size()); w++) workers.add(pool.submit(work));
            Futures.awaitAll(workers, false);  // the interrupt stays on the thread: the sweep stops itself
        } finally {
            pool.shutdown();
        }
    }
}
