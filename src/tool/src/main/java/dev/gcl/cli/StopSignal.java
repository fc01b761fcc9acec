package dev.gcl.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (SIGINT) and SIGTERM while training: a shutdown hook asks the trainer to stop at the next iteration
 * boundary, waits until the checkpoint is written and the command has said where, then ends the JVM with exit
 * code 130. Outside training the JVM ends as usual.
 */
final class StopSignal {
    /** How long the hook waits for the current iteration to finish and the checkpoint to be written. */
    private static final long GRACE_MINUTES = 10;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean training = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private Thread hook;

    /** Registers the hook; call {@link #trainingStarted()} once the training loop can honour a stop. */
    static StopSignal install() {
        StopSignal s = new StopSignal();
        s.hook = new Thread(s::onShutdown, "gcl-stop-signal");
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    void trainingStarted() {
        training.set(true);
    }

    boolean requested() {
        return requested.get();
    }

    /** Training is over (finished, stopped or failed) and the command has printed what it had to say. */
    void done() {
        training.set(false);
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it halts the JVM once it sees finished
        }
    }

    private void onShutdown() {
        if (!training.get()) return;
        requested.set(true);
        try {
            finished.await(GRACE_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(130);
    }
}
