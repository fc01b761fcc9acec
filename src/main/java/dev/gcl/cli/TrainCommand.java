package dev.gcl.cli;

import dev.gcl.ConfigKeys;
import dev.gcl.GclConfig;
import dev.gcl.data.Dataset;
import dev.gcl.io.AtomicDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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

    @picocli.CommandLine.Mixin
    ConfigOptions settings;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        Map<String, String> given = settings.given();
        ConfigKeys.applyAll(GclConfig.builder(), given).build();  // bad settings fail before anything runs
        ProgressReporter progress = new ProgressReporter(ProgressReporter.modeFor(quiet), System.out, System.err);
        BackendChoice.Resolved backends = backendOptions.resolve(progress::onMessage);

        if (data != null) {
            Dataset ds = DataChoice.load(data);
            GclConfig config = resolveConfig(given, ds, Map.of(), progress);
            Path dir = out != null ? out : defaultOut(config);
            try (AtomicDirectory run = AtomicDirectory.create(dir, force)) {
                RunWriter.Summary s = writer(progress).train(run.path(), ds, data.toString(), config, backends);
                run.commit();
                stdout.println(s.line(dir));
            }
            return Main.OK;
        }

        // the built-in demo
        Path dir = out != null ? out : Path.of("gcl-runs", "demo-" + stamp());
        Path scratch = null;
        try (AtomicDirectory run = AtomicDirectory.create(dir, force)) {
            scratch = Files.createTempDirectory("gcl-demo");
            progress.onMessage("built-in demo 1/2: a generated video dataset (dev.gcl.synth, seed 1, 200 + 60 videos, D = 64)");
            Dataset generated = DataChoice.generatedDemo(scratch.resolve("generated"), 1);
            GclConfig c1 = resolveConfig(given, generated, DemoSettings.GENERATED, progress);
            RunWriter.Summary s1 = writer(progress).train(run.path().resolve("generated"), generated,
                    "built-in generated demo (seed 1)", c1, backends);
            progress.onMessage("built-in demo 2/2: the real UCF-Crime C3D sample (10 test videos, 32 x 4096 each;"
                    + " unsupervised, trained on the same videos without labels)");
            Dataset c3d = DataChoice.c3dSample(scratch.resolve("ucf-crime-c3d"));
            GclConfig c2 = resolveConfig(given, c3d, DemoSettings.C3D_SAMPLE, progress);
            RunWriter.Summary s2 = writer(progress).train(run.path().resolve("ucf-crime-c3d-sample"), c3d,
                    "bundled UCF-Crime C3D sample", c2, backends);
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
    static GclConfig resolveConfig(Map<String, String> given, Dataset ds, Map<String, String> demo,
                                   ProgressReporter progress) {
        Map<String, String> all = new LinkedHashMap<>(demo);
        all.putAll(given);
        if (!all.containsKey("variant")) {
            String v = ds.train().hasTimeAxis() ? "gcl-pt" : "gcl-b";
            all.put("variant", v);
            progress.onMessage("variant " + v + " (the default for data " + (ds.train().hasTimeAxis()
                    ? "with videos" : "without a time axis") + "; --variant chooses another)");
        }
        if (!demo.isEmpty()) progress.onMessage("demo settings: " + demo + " (options given override them)");
        return ConfigKeys.applyAll(GclConfig.builder(), all).build();
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            AtomicDirectory.deleteRecursively(p);
        } catch (IOException ignored) {
            // generated data in the temporary folder: harmless if left
        }
    }

    private RunWriter writer(ProgressReporter progress) {
        return new RunWriter("train", progress, !noEpochAuc, !noPictures, true);
    }

    private static Path defaultOut(GclConfig c) {
        return Path.of("gcl-runs", c.variant().cliName() + "-seed" + c.seed() + "-" + stamp());
    }

    private static String stamp() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
}
