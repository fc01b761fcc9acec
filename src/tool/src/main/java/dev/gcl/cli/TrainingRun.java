package dev.gcl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.config.GclConfig;
import dev.gcl.data.DataFingerprint;
import dev.gcl.data.Dataset;
import dev.gcl.eval.FrameEvaluation;
import dev.gcl.model.ModelFiles;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One training run of {@code train} and {@code sweep}: trains one configuration on a dataset, evaluates the model on
 * the test split and saves the run directory: {@code run.json}, optionally {@code model/} and the pictures.
 */
final class TrainingRun {
    private final String command;
    private final ProgressReporter progress;
    private final boolean epochAuc, pictures, saveModel;
    private PhaseClock clock;

    TrainingRun(String command, ProgressReporter progress, boolean epochAuc, boolean pictures, boolean saveModel) {
        this.command = command;
        this.progress = progress;
        this.epochAuc = epochAuc;
        this.pictures = pictures;
        this.saveModel = saveModel;
    }

    /**
     * The clock of the run that timed what came before it (loading the data, its fingerprint); the phases this
     * run times are added to it. Without one, run.json's phases start at the fingerprint.
     */
    TrainingRun withClock(PhaseClock clock) {
        this.clock = clock;
        return this;
    }

    /** What one run printed at its end. */
    record Summary(String variant, FrameEvaluation.Result metrics, double seconds, boolean videos) {
        String line(Path dir) {
            if (metrics == null) {
                return String.format(Locale.ROOT, "%s: trained in %.1f s (no test split); wrote %s", variant, seconds, dir);
            }
            if (!videos) {
                return String.format(Locale.ROOT, "%s: ROC AUC %.4f, AP %.4f over %d test rows (%.1f s); wrote %s",
                        variant, metrics.rocAuc(), metrics.averagePrecision(), metrics.frames(), seconds, dir);
            }
            return String.format(Locale.ROOT, "%s: frame ROC AUC %.4f, AP %.4f over %d test frames of %d videos"
                    + " (%.1f s); wrote %s", variant, metrics.rocAuc(), metrics.averagePrecision(), metrics.frames(),
                    metrics.videos(), seconds, dir);
        }
    }

    /** Trains, evaluates and saves into dir; extra adds fields to run.json (sweep id and settings). */
    Summary trainEvaluateAndSave(Path dir, Dataset ds, String source, GclConfig config,
                                 BackendChoice.Resolved backends, Consumer<ObjectNode> extra) {
        return trainEvaluateAndSave(dir, ds, source, config, backends, extra, TrainAndEvaluate.Controls.NONE);
    }

    Summary trainEvaluateAndSave(Path dir, Dataset ds, String source, GclConfig config,
                                 BackendChoice.Resolved backends, Consumer<ObjectNode> extra,
                                 TrainAndEvaluate.Controls controls) {
        for (String note : ds.notes()) progress.onMessage(note);
        backends = backends.forRun(config, ds.train().rows(), ds.train().dim(), progress::onMessage);
        PhaseClock phases = clock != null ? clock : new PhaseClock();
        // computed once per data and process: free here when the caller (checkpoints, a sweep) needed it first
        String fingerprint = phases.time("fingerprint", () -> DataFingerprint.of(ds.train()));
        TrainAndEvaluate.Outcome o;
        WarningLog warnings = new WarningLog(progress);
        // an OpenBLAS held below this CPU by OPENBLAS_CORETYPE: said, recorded in run.json, never overridden
        if (backends.kind().equals("blas")) {
            dev.gcl.backend.blas.CoreTypePin.here().ifPresent(w -> warnings.onMessage("warning: " + w));
        }
        try (progress) {
            o = TrainAndEvaluate.run(ds, config, backends.backends(), backends.scorer(), backends.threads(), warnings,
                    epochAuc, controls);
        }
        phases.add("train", o.seconds());
        phases.add("evaluate", o.evaluateSeconds());
        long reportStart = System.nanoTime();
        ObjectNode report = RunReport.create(command);
        report.put("status", "ok");
        extra.accept(report);
        RunReport.putTraining(report, config, backends.kind(), backends.precision(), o.seconds(), o.segmentsPerSecond(), o.model());
        if (backends.usesCpuThreads()) report.put("threads", backends.threads());
        RunReport.putMetrics(report, o.metrics());
        RunReport.putData(report, source, fingerprint, ds.train().rows(), ds.test().size());
        report.putPOJO("warnings", warnings.warnings());
        if (saveModel) {
            Map<String, Double> metrics = new LinkedHashMap<>();
            if (o.metrics() != null) {
                metrics.put("auc_roc", o.metrics().rocAuc());
                metrics.put("auc_pr", o.metrics().averagePrecision());
            }
            ModelFiles.save(o.model(), new ModelFiles.Metadata(GclCommand.version(), Instant.now().toString(),
                    fingerprint, metrics), dir.resolve("model"), false);
        }
        if (pictures && o.metrics() != null) {
            List<String> written = RunPictures.write(dir, ds, o.model().withScorer(backends.scorer(),
                    backends.threads()), o.scores());
            report.putPOJO("pictures", written);
        }
        phases.add("report", (System.nanoTime() - reportStart) / 1e9);
        RunReport.putPhases(report, phases.seconds());
        RunReport.write(report, dir.resolve("run.json"));
        return new Summary(config.variant().cliName(), o.metrics(), o.seconds(), ds.train().hasTimeAxis());
    }

    Summary trainEvaluateAndSave(Path dir, Dataset ds, String source, GclConfig config,
                                 BackendChoice.Resolved backends) {
        return trainEvaluateAndSave(dir, ds, source, config, backends, r -> { });
    }
}
