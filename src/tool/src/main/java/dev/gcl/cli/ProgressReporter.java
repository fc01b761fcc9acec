package dev.gcl.cli;

import dev.gcl.io.LoadProgress;
import dev.gcl.progress.EpochStats;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.Phase;
import dev.gcl.progress.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows progress: a progress bar while loading many feature files and per training phase on a terminal (epoch,
 * losses, segments/s, the epoch's ETA), plain lines when output goes to a file or pipe (no escape codes: a line when
 * loading starts and ends, one per epoch, and within a long epoch one at most every
 * {@value #PLAIN_INTERVAL_SECONDS} s with its ETA), nothing but warnings when quiet. Warnings always go to stderr,
 * each distinct one once per reporter (a sweep's runs share one).
 */
public final class ProgressReporter implements TrainingListener, LoadProgress, AutoCloseable {
    /** Plain output within an epoch: at most one line this often. */
    static final int PLAIN_INTERVAL_SECONDS = 15;

    public enum Mode { BAR, PLAIN, QUIET }

    private final Mode mode;
    private final PrintStream out;
    private final PrintStream err;
    private ProgressBar bar;
    private int epochs;
    private int iterationsPerEpoch;
    private String phaseName;
    private long lastPlainNanos;
    private String loadTask;
    private int loadFiles, loadDone;
    private long loadStartNanos;
    private long epochStartNanos;
    private long epochSegments;
    private final java.util.Set<String> warningsShown = new java.util.HashSet<>();

    public ProgressReporter(Mode mode, PrintStream out, PrintStream err) {
        this.mode = mode;
        this.out = out;
        this.err = err;
    }

    /** BAR on an interactive terminal, PLAIN otherwise, QUIET when asked. */
    public static Mode modeFor(boolean quiet) {
        if (quiet) return Mode.QUIET;
        return System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"))
                ? Mode.BAR : Mode.PLAIN;
    }

    @Override
    public void onPhaseStart(Phase phase, int epochs, int iterationsPerEpoch) {
        closeBar();
        this.epochs = epochs;
        this.iterationsPerEpoch = iterationsPerEpoch;
        epochStartNanos = System.nanoTime();
        lastPlainNanos = epochStartNanos;
        epochSegments = 0;
        String name = phaseName(phase);
        phaseName = name;
        if (mode == Mode.BAR) {
            bar = new ProgressBarBuilder().setTaskName(name).setInitialMax((long) epochs * iterationsPerEpoch)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setUnit(" it", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(out)).continuousUpdate().build();
        } else if (mode == Mode.PLAIN) {
            out.printf(Locale.ROOT, "%s: %d epochs of %d iterations%n", name, epochs, iterationsPerEpoch);
        }
    }

    @Override
    public void onIteration(IterationStats s) {
        if (s.iteration() == 0) {
            epochStartNanos = System.nanoTime();
            lastPlainNanos = epochStartNanos;
            epochSegments = 0;
        }
        epochSegments += s.rows();
        long now = System.nanoTime();
        double seconds = (now - epochStartNanos) / 1e9;
        int done = s.iteration() + 1;
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "epoch %d/%d%s%s %.0f seg/s, epoch ETA %s", s.epoch() + 1,
                    epochs, loss(" G", s.generatorLoss()), loss(" D", s.discriminatorLoss()),
                    seconds > 0 ? epochSegments / seconds : 0, eta(seconds, done, iterationsPerEpoch)));
        } else if (mode == Mode.PLAIN && done < iterationsPerEpoch
                && now - lastPlainNanos >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
            lastPlainNanos = now;
            out.printf(Locale.ROOT, "%s epoch %d/%d: %d/%d iterations, %.0f seg/s, epoch ETA %s%n", phaseName,
                    s.epoch() + 1, epochs, done, iterationsPerEpoch, seconds > 0 ? epochSegments / seconds : 0,
                    eta(seconds, done, iterationsPerEpoch));
        }
    }

    /** Time left in the epoch at the pace so far, as m:ss (h:mm:ss beyond an hour). */
    static String eta(double seconds, int done, int total) {
        long left = done <= 0 ? 0 : Math.round(seconds / done * Math.max(0, total - done));
        return left >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", left / 3600, left / 60 % 60, left % 60)
                : String.format(Locale.ROOT, "%d:%02d", left / 60, left % 60);
    }

    // ---------------------------------------------------------------- loading feature files

    @Override
    public void start(String task, int files) {
        closeBar();
        loadTask = task;
        loadFiles = files;
        loadDone = 0;
        loadStartNanos = System.nanoTime();
        if (mode == Mode.BAR) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(files).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).setUnit(" files", 1)
                    .setConsumer(new ConsoleProgressBarConsumer(out)).continuousUpdate().build();
        } else if (mode == Mode.PLAIN) {
            out.printf(Locale.ROOT, "%s: %d files%n", task, files);
            lastPlainNanos = loadStartNanos;
        }
    }

    @Override
    public void fileDone() {
        loadDone++;
        if (bar != null) {
            bar.step();
        } else if (mode == Mode.PLAIN && loadDone < loadFiles) {
            long now = System.nanoTime();
            if (now - lastPlainNanos >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
                lastPlainNanos = now;
                double seconds = (now - loadStartNanos) / 1e9;
                out.printf(Locale.ROOT, "%s: %d/%d files, ETA %s%n", loadTask, loadDone, loadFiles,
                        eta(seconds, loadDone, loadFiles));
            }
        }
    }

    @Override
    public void finish() {
        closeBar();
        if (mode == Mode.PLAIN && loadTask != null) {
            out.printf(Locale.ROOT, "%s: %d of %d files in %.1f s%n", loadTask, loadDone, loadFiles,
                    (System.nanoTime() - loadStartNanos) / 1e9);
        }
        loadTask = null;
    }

    @Override
    public void note(String message) {
        onMessage(message);
    }

    @Override
    public void onEpochEnd(EpochStats s) {
        if (mode != Mode.PLAIN) return;
        out.printf(Locale.ROOT, "%s epoch %d/%d:%s%s%s%s %.0f seg/s%s%n", phaseName(s.phase()), s.epoch() + 1,
                epochs, loss(" G loss", s.meanGeneratorLoss()), loss(" D loss", s.meanDiscriminatorLoss()),
                share(" flagged by G", s.fractionAnomalousByG()), share(" by D", s.fractionAnomalousByD()),
                s.seconds() > 0 ? s.segments() / s.seconds() : 0,
                Double.isNaN(s.testMetric()) ? "" : String.format(Locale.ROOT, ", test AUC %.4f", s.testMetric()));
    }

    /** Synchronized: the runs of a sweep with --jobs N share one reporter for their warnings. */
    @Override
    public synchronized void onMessage(String message) {
        if (message.startsWith("warning")) {
            if (!warningsShown.add(message)) return;  // a sweep's runs repeat the same warning: show it once
            closeBar();
            err.println(message);
        } else if (mode != Mode.QUIET) {
            if (bar != null) out.println();
            out.println(message);
        }
    }

    private static String phaseName(Phase p) {
        switch (p) {
            case PRETRAIN_G: return "pre-train G";
            case PRETRAIN_D: return "pre-train D";
            case AUTOENCODER: return "autoencoder";
            default: return "cooperative";
        }
    }

    private static String loss(String label, double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%s %.5f", label, v);
    }

    private static String share(String label, double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%s %.1f%%", label, 100 * v);
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        closeBar();
        out.flush();
    }
}
