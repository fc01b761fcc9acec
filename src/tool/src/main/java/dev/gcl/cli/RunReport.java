package dev.gcl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.config.ConfigKeys;
import dev.gcl.config.GclConfig;
import dev.gcl.eval.FrameEvaluation;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * {@code run.json}: what a train, eval or sweep run did and measured, for people and scripts. Fields: command,
 * variant, seed, backend, precision, auc_roc, auc_pr, seconds, segments_per_second, epochs, config (keys as on the command
 * line), versions (library, java, git commit when known), data (source, fingerprint, sizes), test (frames,
 * anomalous frames, videos, per-video AUC), history (per epoch: losses, fractions pseudo-labelled, test AUC),
 * warnings (what the run warned about, e.g. too few iterations per epoch), phases (wall seconds of load,
 * fingerprint, train, evaluate, report).
 */
final class RunReport {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunReport() {}

    static ObjectNode create(String command) {
        ObjectNode r = JSON.createObjectNode();
        r.put("command", command);
        r.put("created", Instant.now().toString());
        ObjectNode v = r.putObject("versions");
        v.put("library", GclCommand.version());
        v.put("java", System.getProperty("java.version"));
        String commit = System.getenv("GCL_GIT_COMMIT");
        if (commit != null && !commit.isBlank()) v.put("git_commit", commit.trim());
        else v.putNull("git_commit");
        return r;
    }

    static void putTraining(ObjectNode r, GclConfig config, String backend, dev.gcl.backend.Precision precision,
                            double seconds, double segmentsPerSecond, GclModel model) {
        r.put("variant", config.variant().cliName());
        r.put("seed", config.seed());
        r.put("backend", backend);
        r.put("precision", precision.cliName());
        r.put("epochs", config.epochs());
        ModelFiles.putNumber(r, "seconds", seconds);
        ModelFiles.putNumber(r, "segments_per_second", segmentsPerSecond);
        r.put("score_source", model.scoreSource().name().toLowerCase());
        ObjectNode c = r.putObject("config");
        ConfigKeys.toMap(config).forEach(c::put);
        r.set("history", ModelFiles.history(model.history()));
    }

    static void putData(ObjectNode r, String source, String fingerprint, int trainSegments, int testVideos) {
        ObjectNode d = r.putObject("data");
        d.put("source", source);
        d.put("fingerprint", fingerprint);
        d.put("train_segments", trainSegments);
        d.put("test_videos", testVideos);
    }

    /** auc_roc and auc_pr at the top level (null without a test split) and the test details. */
    static void putMetrics(ObjectNode r, FrameEvaluation.Result m) {
        if (m == null) {
            r.putNull("auc_roc");
            r.putNull("auc_pr");
            return;
        }
        ModelFiles.putNumber(r, "auc_roc", m.rocAuc());
        ModelFiles.putNumber(r, "auc_pr", m.averagePrecision());
        ObjectNode t = r.putObject("test");
        t.put("frames", m.frames());
        t.put("anomalous_frames", m.anomalousFrames());
        t.put("videos", m.videos());
        ObjectNode per = t.putObject("per_video_auc");
        for (Map.Entry<String, Double> e : m.perVideoAuc().entrySet()) ModelFiles.putNumber(per, e.getKey(), e.getValue());
    }

    /**
     * phases: wall seconds of each phase of the run (load, fingerprint, train, evaluate, report; those that ran).
     * train is the training alone; evaluate every scoring of the test split (per epoch and final); report the
     * model files and pictures.
     */
    static void putPhases(ObjectNode r, Map<String, Double> seconds) {
        ObjectNode p = r.putObject("phases");
        seconds.forEach((k, v) -> ModelFiles.putNumber(p, k, v));
    }

    /** Writes the report atomically and durably ({@link dev.gcl.io.Durable#writeFile}). */
    static void write(ObjectNode report, Path file) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(report);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        dev.gcl.io.CrashPoint.reached("report-written");
        dev.gcl.io.Durable.writeFile(file, bytes);
    }
}
