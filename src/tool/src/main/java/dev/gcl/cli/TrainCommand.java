package dev.gcl.cli;

import dev.gcl.config.ConfigKeys;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Settings;
import dev.gcl.config.Variant;
import dev.gcl.data.DataFingerprint;
import dev.gcl.data.Dataset;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.model.CheckpointFiles;
import dev.gcl.train.NanPolicy;
import dev.gcl.train.TrainerState;
import dev.gcl.train.TrainingDivergedException;
import dev.gcl.train.TrainingStoppedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gcl train}: trains on a dataset, evaluates on its test split, and writes a run directory with the model,
 * run.json and pictures. Without --data it runs the built-in demo: a generated video dataset, then the real
 * UCF-Crime C3D sample bundled in the jar.
 */
@Command(name = "train", sortOptions = false, description = {
        "Train GCL on a dataset, evaluate on its test split, write the model, run.json and pictures.",
        "Without --data: a built-in demo (a generated video dataset, then the real 10-video UCF-Crime C3D sample)."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "PATH", description = "Dataset description (.yaml/.json) or .npz with X and y.")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default gcl-runs/<variant>-seed<seed>-<time>).")
    Path out;

    @Option(names = "--force", description = "Replace an existing run directory.")
    boolean force;

    @picocli.CommandLine.Mixin
    BackendOptions backendOptions;

    @Option(names = "--quiet", description = "No progress output.")
    boolean quiet;

    @Option(names = "--no-epoch-auc", description = "Skip the test AUC after every epoch (faster on large test sets).")
    boolean noEpochAuc;

    @Option(names = "--no-pictures", description = "Skip the PNG pictures.")
    boolean noPictures;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    @picocli.CommandLine.Mixin(name = "settings")
    CommandSpec settings = ConfigOptions.mixin();

    @Option(names = "--checkpoint-every", paramLabel = "N|Nepochs",
            description = "Write a checkpoint every N iterations or every N epochs (e.g. 500 or 2epochs).")
    String checkpointEvery;

    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Where checkpoints go (default: <out>-checkpoint).")
    Path checkpointDir;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run of this checkpoint (its settings and data).")
    Path resume;

    @Option(names = "--on-nan", paramLabel = "stop|skip-batch", defaultValue = "stop",
            description = "A loss that is NaN or infinite: stop (default) or skip the batch's update.")
    String onNan;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, String> givenText = ConfigOptions.given(settings);
        GclConfig.Builder given = ConfigKeys.applyAll(GclConfig.builder(), givenText);  // parsed once, here
        given.build();  // bad settings fail before anything runs
        ProgressReporter progress = new ProgressReporter(ProgressReporter.modeFor(quiet), System.out, System.err);
        BackendChoice.Resolved backends = backendOptions.resolve(progress::onMessage);

        NanPolicy nanPolicy = parseNanPolicy(onNan);
        FileCheckpoints.Interval every = checkpointEvery == null ? null : FileCheckpoints.Interval.parse(checkpointEvery);
        if (resume != null) return resumeRun(givenText, nanPolicy, every, backends, progress, stdout);
        if (data != null) {
            PhaseClock clock = new PhaseClock();
            Dataset ds = clock.time("load", () -> DataChoice.load(data, progress));
            GclConfig config = resolveConfig(given, ds, Map.of(), progress);
            Path dir = out != null ? out : defaultOut(config);
            Path checkpoints = checkpointDir != null ? checkpointDir : siblingCheckpoint(dir);
            TrainerState from = force ? null : continuing(checkpoints, dir, config, ds, stdout);
            return trainWithCheckpoints(ds, data.toAbsolutePath().normalize().toString(), config, dir, checkpoints,
                    every, nanPolicy, from, backends, progress, stdout, clock);
        }
        if (checkpointEvery != null || checkpointDir != null) {
            throw new BadInputException("--checkpoint-every and --checkpoint-dir need --data (the demo is two short runs)");
        }

        // the built-in demo
        Path dir = out != null ? out : Path.of("gcl-runs", "demo-" + stamp());
        Path scratch = null;
        try (AtomicDirectory run = AtomicDirectory.create(dir, force)) {
            scratch = Files.createTempDirectory("gcl-demo");
            progress.onMessage("built-in demo 1/2: a generated video dataset (dev.gcl.synth, seed 1, 200 + 60 videos, D = 64)");
            Path generatedDir = scratch.resolve("generated");
            PhaseClock clock1 = new PhaseClock();
            Dataset generated = clock1.time("load", () -> DataChoice.generatedDemo(generatedDir, 1));
            GclConfig c1 = resolveConfig(given, generated, DemoSettings.GENERATED, progress);
            TrainingRun.Summary s1 = trainingRun(progress).withClock(clock1).trainEvaluateAndSave(
                    run.path().resolve("generated"), generated, "built-in generated demo (seed 1)", c1, backends);
            progress.onMessage("built-in demo 2/2: the real UCF-Crime C3D sample (10 test videos, 32 x 4096 each;"
                    + " unsupervised, trained on the same videos without labels)");
            Path c3dDir = scratch.resolve("ucf-crime-c3d");
            PhaseClock clock2 = new PhaseClock();
            Dataset c3d = clock2.time("load", () -> DataChoice.c3dSample(c3dDir));
            GclConfig c2 = resolveConfig(given, c3d, DemoSettings.C3D_SAMPLE, progress);
            TrainingRun.Summary s2 = trainingRun(progress).withClock(clock2).trainEvaluateAndSave(
                    run.path().resolve("ucf-crime-c3d-sample"), c3d, "bundled UCF-Crime C3D sample", c2, backends);
            run.commit();
            stdout.println(s1.line(dir.resolve("generated")));
            stdout.println(s2.line(dir.resolve("ucf-crime-c3d-sample")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(scratch);
        }
        return Main.OK;
    }

    /**
     * The config: the user's settings over the demo settings (if any) over the paper's defaults; without --variant
     * gcl-pt for data with videos, gcl-b for data without a time axis (and the run says which).
     */
    static GclConfig resolveConfig(GclConfig.Builder given, Dataset ds, Map<String, String> demo,
                                   ProgressReporter progress) {
        GclConfig.Builder all = ConfigKeys.applyAll(GclConfig.builder(), demo).setAll(given);
        if (!all.isSet(Settings.VARIANT)) {
            Variant v = ds.train().hasTimeAxis() ? Variant.GCL_PT : Variant.GCL_B;
            all.variant(v);
            progress.onMessage("variant " + v.cliName() + " (the default for data " + (ds.train().hasTimeAxis()
                    ? "with videos" : "without a time axis") + "; --variant chooses another)");
        }
        if (!demo.isEmpty()) progress.onMessage("demo settings: " + demo + " (options given override them)");
        return all.build();
    }

    /**
     * Trains with checkpoints (on schedule and on Ctrl-C/SIGTERM) and NaN handling, then writes the run directory.
     * Exit codes: 0 done, 130 stopped by a signal after writing a checkpoint, 1 diverged.
     */
    private int trainWithCheckpoints(Dataset ds, String source, GclConfig config, Path dir, Path checkpoints,
                                     FileCheckpoints.Interval every, NanPolicy nanPolicy, TrainerState resumeState,
                                     BackendChoice.Resolved backends, ProgressReporter progress, PrintWriter stdout,
                                     PhaseClock clock) {
        String fingerprint = clock.time("fingerprint", () -> DataFingerprint.of(ds.train()));
        // decided before the checkpoint records them: a resumed run continues on the same threads
        backends = backends.forRun(config, ds.train().rows(), ds.train().dim(), progress::onMessage);
        Map<String, String> runOptions = new LinkedHashMap<>();
        runOptions.put("out", dir.toAbsolutePath().normalize().toString());
        runOptions.put("epoch_auc", Boolean.toString(!noEpochAuc));
        runOptions.put("pictures", Boolean.toString(!noPictures));
        if (every != null) runOptions.put("checkpoint_every", every.toString());
        runOptions.put("on_nan", onNan);
        // resume continues on the same arithmetic: bit-identical only on the same backend and thread count
        runOptions.put("backend", backends.kind());
        runOptions.put("threads", Integer.toString(backends.threads()));
        runOptions.put("precision", backends.precision().cliName());
        StopSignal stop = StopSignal.install();
        FileCheckpoints policy = new FileCheckpoints(checkpoints, every, config, source, fingerprint, runOptions, stop,
                progress::onMessage, resumeState == null ? 0 : resumeState.history().size());
        try (AtomicDirectory run = AtomicDirectory.create(dir, force)) {
            stop.trainingStarted();
            TrainingRun.Summary s = trainingRun(progress).withClock(clock).trainEvaluateAndSave(run.path(), ds, source,
                    config, backends, r -> { }, new TrainAndEvaluate.Controls(policy, nanPolicy, resumeState));
            run.commit();
            stdout.println(s.line(dir));
            if (policy.written() || resumeState != null) deleteCheckpoint(checkpoints);  // the run is complete
            return Main.OK;
        } catch (TrainingStoppedException e) {
            stdout.println("interrupted: wrote the checkpoint " + checkpoints + "; continue with: gcl train --resume "
                    + checkpoints);
            stdout.flush();
            return Main.INTERRUPTED;
        } catch (TrainingDivergedException e) {
            throw new TrainingFailedException(e.getMessage() + (java.nio.file.Files.isDirectory(checkpoints)
                    ? "; the last good checkpoint is " + checkpoints : ""), e);
        } finally {
            stop.done();
        }
    }

    /**
     * The same command again after the run was stopped or killed: when the run directory does not exist yet and the
     * checkpoint directory holds a checkpoint of this very run (its --out, settings and data), the run continues
     * from it; a checkpoint of another run is refused rather than overwritten. Null: start afresh.
     */
    private static TrainerState continuing(Path checkpoints, Path dir, GclConfig config, Dataset ds, PrintWriter stdout) {
        AtomicDirectory.settle(checkpoints);  // this run writes there: tidy what a kill left beside it
        if (Files.exists(dir) || !CheckpointFiles.exists(checkpoints)) return null;
        CheckpointFiles.Checkpoint c = CheckpointFiles.read(checkpoints);
        String out = dir.toAbsolutePath().normalize().toString(), fingerprint = DataFingerprint.of(ds.train());
        String other = !out.equals(c.runOptions().get("out")) ? "its run writes " + c.runOptions().get("out")
                : !config.equals(c.config()) ? "other settings"
                : !fingerprint.equals(c.dataFingerprint()) ? "other data (fingerprint " + c.dataFingerprint() + ")"
                : null;
        if (other != null) {
            throw new BadInputException(checkpoints + ": holds the checkpoint of another run (" + other
                    + "); continue that run with gcl train --resume " + checkpoints + ", or delete the checkpoint");
        }
        stdout.println("continuing from the checkpoint " + checkpoints + " (before iteration "
                + c.state().position().globalIteration() + ")");
        stdout.flush();
        return c.state();
    }

    /** {@code --resume DIR}: the checkpoint's config and data, continued where it stopped. */
    private int resumeRun(Map<String, String> given, NanPolicy nanPolicy, FileCheckpoints.Interval every,
                          BackendChoice.Resolved backends, ProgressReporter progress, PrintWriter stdout) {
        if (!given.isEmpty() || data != null) {
            throw new BadInputException("--resume continues the checkpoint's run with its own settings and data;"
                    + " drop " + (data != null ? "--data" : "--" + given.keySet().iterator().next()));
        }
        CheckpointFiles.Checkpoint c = CheckpointFiles.read(resume);
        if (c.dataSource() == null) throw new BadInputException(resume + ": the checkpoint names no data source");
        Path dir = out != null ? out : Path.of(c.runOptions().getOrDefault("out", "gcl-runs/resumed-" + stamp()));
        if (!force && finishedRunOf(dir, c)) {
            // killed after the run directory was complete and before its checkpoint was removed
            deleteCheckpoint(resume);
            stdout.println(dir + ": the run of this checkpoint had finished; removed the checkpoint " + resume);
            return Main.OK;
        }
        PhaseClock clock = new PhaseClock();
        Dataset ds = clock.time("load", () -> DataChoice.load(Path.of(c.dataSource()), progress));
        String fingerprint = clock.time("fingerprint", () -> DataFingerprint.of(ds.train()));
        if (!fingerprint.equals(c.dataFingerprint())) {
            throw new BadInputException(c.dataSource() + ": the data changed since the checkpoint (fingerprint "
                    + fingerprint + ", the checkpoint has " + c.dataFingerprint() + ")");
        }
        noEpochAuc = !Boolean.parseBoolean(c.runOptions().getOrDefault("epoch_auc", "true"));
        noPictures = noPictures || !Boolean.parseBoolean(c.runOptions().getOrDefault("pictures", "true"));
        String storedEvery = c.runOptions().get("checkpoint_every");
        FileCheckpoints.Interval schedule = every != null ? every
                : storedEvery == null ? null : FileCheckpoints.Interval.parse(storedEvery);
        if (onNan.equals("stop") && c.runOptions().containsKey("on_nan")) {
            onNan = c.runOptions().get("on_nan");
            nanPolicy = parseNanPolicy(onNan);
        }
        var parsed = spec.commandLine().getParseResult();
        String storedBackend = c.runOptions().get("backend");
        if (storedBackend != null && !parsed.hasMatchedOption("--backend") && !parsed.hasMatchedOption("--threads")
                && !parsed.hasMatchedOption("--precision")) {
            backends = BackendChoice.resolve(storedBackend, storedThreads(c.runOptions().getOrDefault("threads",
                    Integer.toString(backends.threads()))), BackendChoice.precision(c.runOptions().getOrDefault(
                    "precision", "fp32")), progress::onMessage);
            progress.onMessage("resuming on the checkpoint's backend: " + BackendChoice.describe(backends.kind(),
                    backends.threads()) + " (--backend, --threads or --precision choose another)");
        }
        return trainWithCheckpoints(ds, c.dataSource(), c.config(), dir, resume, schedule, nanPolicy, c.state(),
                backends, progress, stdout, clock);
    }

    /** Whether dir is the finished run of checkpoint c: its run.json has c's settings and data fingerprint. */
    private static boolean finishedRunOf(Path dir, CheckpointFiles.Checkpoint c) {
        Path json = dir.resolve("run.json");
        if (!Files.isRegularFile(json)) return false;
        try {
            var run = RunReport.JSON.readTree(json.toFile());
            Map<String, String> config = new LinkedHashMap<>();
            run.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            return "ok".equals(run.path("status").asText("ok")) && config.equals(ConfigKeys.toMap(c.config()))
                    && run.path("data").path("fingerprint").asText("").equals(c.dataFingerprint());
        } catch (IOException e) {
            return false;  // not a run directory gcl wrote: the usual "already exists" follows
        }
    }

    /** The thread count a checkpoint recorded; a corrupt one is the checkpoint's fault, not a bug. */
    private static int storedThreads(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BadInputException("checkpoint: threads '" + text + "' is not a whole number");
        }
    }

    private static NanPolicy parseNanPolicy(String text) {
        switch (text) {
            case "stop": return NanPolicy.STOP;
            case "skip-batch": return NanPolicy.SKIP_BATCH;
            default: throw new BadInputException("--on-nan must be stop or skip-batch, got '" + text + "'");
        }
    }

    private static Path siblingCheckpoint(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return abs.resolveSibling(abs.getFileName() + "-checkpoint");
    }

    /** In one step (a kill mid-way leaves no half checkpoint); a leftover is harmless once the run is complete. */
    private static void deleteCheckpoint(Path checkpoints) {
        try {
            AtomicDirectory.delete(checkpoints);
        } catch (IOException ignored) {
            // the run directory is complete; a checkpoint beside it is resumed as "finished already"
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            AtomicDirectory.deleteRecursively(p);
        } catch (IOException ignored) {
            // generated data in the temporary folder: harmless if left
        }
    }

    private TrainingRun trainingRun(ProgressReporter progress) {
        return new TrainingRun("train", progress, !noEpochAuc, !noPictures, true);
    }

    private static Path defaultOut(GclConfig c) {
        return Path.of("gcl-runs", c.variant().cliName() + "-seed" + c.seed() + "-" + stamp());
    }

    private static String stamp() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
}
