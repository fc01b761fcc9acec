package dev.gcl.cli;

import dev.gcl.progress.EpochStats;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.Phase;
import dev.gcl.progress.TrainingListener;

import java.util.ArrayList;
import java.util.List;

/** Passes everything on to a listener and keeps the warnings of one run, for its run.json. */
final class WarningLog implements TrainingListener {
    private final TrainingListener next;
    private final List<String> warnings = new ArrayList<>();

    WarningLog(TrainingListener next) {
        this.next = next;
    }

    /** The run's warnings in order, without the "warning: " prefix. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void onPhaseStart(Phase phase, int epochs, int iterationsPerEpoch) {
        next.onPhaseStart(phase, epochs, iterationsPerEpoch);
    }

    @Override
    public void onIteration(IterationStats stats) {
        next.onIteration(stats);
    }

    @Override
    public void onEpochEnd(EpochStats stats) {
        next.onEpochEnd(stats);
    }

    @Override
    public void onMessage(String message) {
        if (message.startsWith("warning")) warnings.add(message.replaceFirst("^warning:\\s*", ""));
        next.onMessage(message);
    }
}
