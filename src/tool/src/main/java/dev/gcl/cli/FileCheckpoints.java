package dev.gcl.cli;

import dev.gcl.config.GclConfig;
import dev.gcl.io.CrashPoint;
import dev.gcl.model.CheckpointFiles;
import dev.gcl.train.CheckpointPolicy;
import dev.gcl.train.TrainerState;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code --checkpoint-every N} (iterations) or {@code Nepochs}, written with {@link CheckpointFiles} into one
 * directory (each checkpoint replaces the previous atomically); also writes one when a stop was requested.
 */
final class FileCheckpoints implements CheckpointPolicy {
    /** Every {@code count} iterations, or every {@code count} epochs. */
    record Interval(int count, boolean epochs) {
        static Interval parse(String text) {
            String t = text.trim().toLowerCase();
            boolean epochs = t.endsWith("epochs") || t.endsWith("epoch") || t.endsWith("e");
            String number = t.replaceAll("(epochs|epoch|e|iterations|iteration|it)$", "");
            try {
                int n = Integer.parseInt(number);
                if (n < 1) throw new NumberFormatException();
                return new Interval(n, epochs);
            } catch (NumberFormatException e) {
                throw new BadInputException("--checkpoint-every: '" + text + "' is not a positive number of"
                        + " iterations (500) or epochs (2epochs)");
            }
        }

        @Override
        public String toString() {
            return count + (epochs ? "epochs" : "");
        }
    }

    private final Path dir;
    private final Interval every;
    private final GclConfig config;
    private final String dataSource, fingerprint;
    private final Map<String, String> runOptions;
    private final StopSignal stop;
    private final Consumer<String> notes;
    private int epochsDone;
    private boolean written;

    FileCheckpoints(Path dir, Interval every, GclConfig config, String dataSource, String fingerprint,
                    Map<String, String> runOptions, StopSignal stop, Consumer<String> notes, int epochsDone) {
        this.dir = dir;
        this.every = every;
        this.config = config;
        this.dataSource = dataSource;
        this.fingerprint = fingerprint;
        this.runOptions = runOptions;
        this.stop = stop;
        this.notes = notes;
        this.epochsDone = epochsDone;
    }

    @Override
    public boolean due(TrainerState.Position next, boolean epochEnd) {
        CrashPoint.reached("iteration");
        if (epochEnd) epochsDone++;
        if (every == null) return false;
        if (every.epochs()) return epochEnd && epochsDone % every.count() == 0;
        return next.globalIteration() % every.count() == 0;
    }

    @Override
    public void write(TrainerState state) {
        CheckpointFiles.write(dir, new CheckpointFiles.Checkpoint(state, config, dataSource, fingerprint, runOptions));
        written = true;
        notes.accept("checkpoint: wrote " + dir + " (before iteration " + state.position().globalIteration() + ")");
    }

    @Override
    public boolean stopRequested() {
        return stop.requested();
    }

    boolean written() {
        return written;
    }
}
