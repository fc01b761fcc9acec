package dev.gcl.cli;

import dev.gcl.EpochStats;
import dev.gcl.IterationStats;
import dev.gcl.Phase;
import dev.gcl.TrainingListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows training progress: a progress bar per phase on a terminal (epoch, losses, segments/s), plain lines per
 * epoch when output goes to a file or pipe (no escape codes), nothing but warnings when quiet. Warnings always go
 * to stderr, each distinct one once per reporter (a sweep's runs share one).
 */
public final class ProgressReporter implements TrainingListener, AutoCloseable {
    public enum Mode { BAR, PLAIN, QUIET }

    private final Mode mode;
    private final PrintStream out;
    private final PrintStream err;
    private ProgressBar bar;
    private int epochs;
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
        epochStartNanos = System.nanoTime();
        epochSegments = 0;
        String name = phaseName(phase);
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
            epochSegments = 0;
        }
        epochSegments += s.rows();
        if (bar != null) {
            double seconds = (System.nanoTime() - epochStartNanos) / 1e9;
            bar.step();
            bar.setExtraMessage(String.format(Locale.ROOT, "epoch %d/%d%s%s %.0f seg/s", s.epoch() + 1, epochs,
                    loss(" G", s.generatorLoss()), loss(" D", s.discriminatorLoss()),
                    seconds > 0 ? epochSegments / seconds : 0));
        }
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
