package dev.gcl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.ConfigKeys;
import dev.gcl.GclConfig;
import dev.gcl.data.DataFingerprint;
import dev.gcl.data.Dataset;
import dev.gcl.eval.FrameEvaluation;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.model.ModelFiles;
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
import java.util.List;
import java.util.Locale;
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

    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--threads", description = "CPU backend threads (default: all cores).")
    Integer threads;

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
        int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        ProgressReporter progress = new ProgressReporter(ProgressReporter.modeFor(quiet), System.out, System.err);
        BackendChoice.Resolved backends = BackendChoice.resolve(backend, threadCount, progress::onMessage);

        if (data != null) {
            Dataset ds = DataChoice.load(data);
            GclConfig config = resolveConfig(given, ds, Map.of(), progress);
            Path dir = out != null ? out : defaultOut(config);
            try (AtomicDirectory run = AtomicDirectory.create(dir, force)) {
                Summary s = trainInto(run.path(), ds, data.toString(), config, backends, progress);
                run.commit();
                stdout.println(s.line(dir));
            }
            return Main.OK;
        }

        // the built-in demo
        Path dir = out != null ? out : Path.of("gcl-runs", "demo-" + stamp());
        try (AtomicDirectory run = AtomicDirectory.create(dir, force)) {
            Path scratch = Files.createTempDirectory("gcl-demo");
            progress.onMessage("built-in demo 1/2: a generated video dataset (dev.gcl.synth, seed 1, 200 + 60 videos, D = 64)");
            Dataset generated = DataChoice.generatedDemo(scratch.resolve("generated"), 1);
            GclConfig c1 = resolveConfig(given, generated, DemoSettings.GENERATED, progress);
            Summary s1 = trainInto(run.path().resolve("generated"), generated, "built-in generated demo (seed 1)", c1,
                    backends, progress);
            progress.onMessage("built-in demo 2/2: the real UCF-Crime C3D sample (10 test videos, 32 x 4096 each;"
                    + " unsupervised, trained on the same videos without labels)");
            Dataset c3d = DataChoice.c3dSample(scratch.resolve("ucf-crime-c3d"));
            GclConfig c2 = resolveConfig(given, c3d, DemoSettings.C3D_SAMPLE, progress);
            Summary s2 = trainInto(run.path().resolve("ucf-crime-c3d-sample"), c3d, "bundled UCF-Crime C3D sample", c2,
                    backends, progress);
            run.commit();
            stdout.println(s1.line(dir.resolve("generated")));
            stdout.println(s2.line(dir.resolve("ucf-crime-c3d-sample")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    record Summary(String variant, FrameEvaluation.Result metrics, double seconds) {
        String line(Path dir) {
            if (metrics == null) {
                return String.format(Locale.ROOT, "%s: trained in %.1f s (no test split); wrote %s", variant, seconds, dir);
            }
            return String.format(Locale.ROOT, "%s: frame ROC AUC %.4f, AP %.4f over %d test frames of %d videos"
                    + " (%.1f s); wrote %s", variant, metrics.rocAuc(), metrics.averagePrecision(), metrics.frames(),
                    metrics.videos(), seconds, dir);
        }
    }

    /** Trains, evaluates and writes model/, run.json and the pictures into dir. */
    private Summary trainInto(Path dir, Dataset ds, String source, GclConfig config, BackendChoice.Resolved backends,
                              ProgressReporter progress) {
        for (String note : ds.notes()) progress.onMessage(note);
        String fingerprint = DataFingerprint.of(ds.train());
        TrainingSession.Outcome o;
        try (progress) {
            o = TrainingSession.run(ds, config, backends.backends(), progress, !noEpochAuc);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (o.metrics() != null) {
            metrics.put("auc_roc", o.metrics().rocAuc());
            metrics.put("auc_pr", o.metrics().averagePrecision());
        }
        ModelFiles.save(o.model(), new ModelFiles.Metadata(GclCommand.version(), java.time.Instant.now().toString(),
                fingerprint, metrics), dir.resolve("model"), false);
        ObjectNode report = RunReport.create("train");
        RunReport.putTraining(report, config, backends.kind(), o.seconds(), o.segmentsPerSecond(), o.model());
        RunReport.putMetrics(report, o.metrics());
        RunReport.putData(report, source, fingerprint, ds.train().rows(), ds.test().size());
        if (!noPictures && o.metrics() != null) {
            List<String> pictures = RunPictures.write(dir, ds, o.model());
            report.putPOJO("pictures", pictures);
        }
        RunReport.write(report, dir.resolve("run.json"));
        return new Summary(config.variant().cliName(), o.metrics(), o.seconds());
    }

    private static Path defaultOut(GclConfig c) {
        return Path.of("gcl-runs", c.variant().cliName() + "-seed" + c.seed() + "-" + stamp());
    }

    private static String stamp() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }
}
