package dev.gcl.concurrent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

class FuturesTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        Thread.interrupted();  // a test's interrupt must not reach the next one
    }

    @Test
    void theFirstFailureIsRethrownAfterEveryTaskEnded() {
        AtomicBoolean slowEnded = new AtomicBoolean();
        Future<?> fails = pool.submit(() -> { throw new IllegalStateException("first"); });
        Future<?> slow = pool.submit(() -> {
            sleep(200);
            slowEnded.set(true);
        });
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Futures.awaitAll(List.of(fails, slow), false));
        assertEquals("first", e.getMessage());
        assertTrue(slowEnded.get(), "the call waited for the slow task");
    }

    @Test
    void aCheckedFailureComesWrapped() {
        Future<?> f = CompletableFuture.failedFuture(new IOException("disk"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Futures.awaitAll(List.of(f), true));
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void anInterruptIsKeptAndThrownOnlyWhenAsked() {
        Future<?> done = CompletableFuture.completedFuture(null);
        Thread.currentThread().interrupt();
        Futures.awaitAll(List.of(done), false);  // completed futures return at once, interrupted or not
        assertTrue(Thread.interrupted(), "the interrupt is kept");

        Future<?> slow = pool.submit(() -> sleep(200));
        Thread.currentThread().interrupt();
        Futures.awaitAll(List.of(slow), false);
        assertTrue(slow.isDone(), "waited for the task although interrupted");
        assertTrue(Thread.interrupted(), "the interrupt is kept");

        Future<?> slow2 = pool.submit(() -> sleep(200));
        Thread.currentThread().interrupt();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Futures.awaitAll(List.of(slow2), true));
        assertEquals("interrupted", e.getMessage());
        assertTrue(slow2.isDone(), "waited for the task before throwing");
        assertTrue(Thread.interrupted(), "the interrupt is kept");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
