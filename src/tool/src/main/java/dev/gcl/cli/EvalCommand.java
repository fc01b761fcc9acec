package dev.gcl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.config.ScoreSource;
import dev.gcl.data.DataFingerprint;
import dev.gcl.data.Dataset;
import dev.gcl.data.TestVideo;
import dev.gcl.eval.FrameEvaluation;
import dev.gcl.eval.SegmentMapping;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.NpyFloats;
import dev.gcl.io.NpyReader;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gcl eval}: frame-level metrics of a saved model, or of a folder of per-video scores ({@code <video>.npy},
 * one float per segment), on a dataset's test split: ROC AUC and average precision over all test frames,
 * per-video AUC of anomalous videos, and the false-alarm rate on normal videos at a threshold.
 */
@Command(name = "eval", sortOptions = false, description = "Frame-level ROC AUC, AP and per-video AUC on a dataset's test split.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    static final class Source {
        @Option(names = "--model", required = true, paramLabel = "DIR", description = "A saved model.")
        Path model;
        @Option(names = "--scores", required = true, paramLabel = "DIR", description = "A folder of <video>.npy segment scores.")
        Path scores;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--data", required = true, paramLabel = "DATASET", description = "Dataset description (.yaml/.json) or .npz.")
    Path data;

    @Option(names = "--mapping", paramLabel = "segments|ucf32",
            description = "Segment-to-frame mapping (default: the dataset's): segments = fixed length, ucf32 = official UCF-Crime 32 segments.")
    String mapping;

    @Option(names = "--score-by", paramLabel = "SOURCE", defaultValue = "auto", description = "With --model: d, reconstruction or auto (default auto: the model's own).")
    String scoreBy;

    @Option(names = "--threshold", paramLabel = "X", description = "Also report the false-alarm rate on normal videos at this score.")
    Float threshold;

    @Option(names = "--out", paramLabel = "DIR", description = "Write run.json (and pictures, with --model) here.")
    Path out;

    @Option(names = "--force", description = "Replace an existing --out.")
    boolean force;

    @Mixin
    DebugOption debug;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (out != null && Files.exists(out) && !force) {
            throw new BadInputException(out + ": already exists (use --force to replace it)");
        }
        Dataset ds = withMapping(DataChoice.load(data), mapping);
        if (ds.test().isEmpty()) throw new BadInputException(data + ": the dataset has no test split to evaluate on");
        GclModel model = null;
        FrameEvaluation evaluation;
        // the segment scores of the model's own source, kept for the pictures (scored once)
        java.util.List<float[]> ownScores = new java.util.ArrayList<>();
        if (source.model != null) {
            model = ModelFiles.load(source.model).model();
            GclModel m = model;
            ScoreSource by = parseSource(scoreBy);
            boolean own = by == ScoreSource.AUTO || by == model.scoreSource();
            evaluation = ds.evaluation(fm -> {
                float[] s = ScoreCommand.score(m, by, fm, data.toString());
                if (own) ownScores.add(s);
                return s;
            });
        } else {
            Map<String, float[]> scores = readScores(source.scores, ds.test());
            evaluation = ds.evaluation(fm -> scores.get(nameOf(ds, fm)));
        }
        FrameEvaluation.Result r = evaluation.result();
        stdout.printf(Locale.ROOT, "frame ROC AUC %.5f, AP %.5f over %d frames (%d anomalous) of %d videos (mapping %s)%n",
                r.rocAuc(), r.averagePrecision(), r.frames(), r.anomalousFrames(), r.videos(), mappingName(ds.mapping()));
        r.perVideoAuc().forEach((v, auc) -> stdout.printf(Locale.ROOT, "  %-40s %s%n", v,
                Double.isNaN(auc) ? "n/a (anomalous throughout)" : String.format(Locale.ROOT, "%.4f", auc)));
        double far = Double.NaN;
        if (threshold != null) {
            far = evaluation.falseAlarmRate(threshold);
            stdout.printf(Locale.ROOT, "false-alarm rate on normal videos at %.4f: %s%n", threshold,
                    Double.isNaN(far) ? "n/a (no normal test video)" : String.format(Locale.ROOT, "%.5f", far));
        }
        if (out != null) {
            try (AtomicDirectory dir = AtomicDirectory.create(out, force)) {
                ObjectNode report = RunReport.create("eval");
                report.put("status", "ok");
                if (model != null) {
                    report.put("variant", model.variant().cliName());
                    report.put("seed", model.seed());
                    report.put("model", source.model.toString());
                } else {
                    report.put("scores", source.scores.toString());
                }
                report.put("mapping", mappingName(ds.mapping()));
                RunReport.putMetrics(report, r);
                if (threshold != null) ModelFiles.putNumber(report, "false_alarm_rate", far);
                RunReport.putData(report, data.toString(), DataFingerprint.of(ds.train()), ds.train().rows(),
                        ds.test().size());
                if (model != null) {
                    TrainAndEvaluate.TestScores scores = ownScores.size() == ds.test().size()
                            ? new TrainAndEvaluate.TestScores(ownScores) : TrainAndEvaluate.score(ds, model);
                    report.putPOJO("pictures", RunPictures.write(dir.path(), ds, model, scores));
                }
                RunReport.write(report, dir.path().resolve("run.json"));
                dir.commit();
            }
            stdout.println("wrote " + out);
        }
        return Main.OK;
    }

    static ScoreSource parseSource(String s) {
        switch (s) {
            case "auto": return ScoreSource.AUTO;
            case "d": case "discriminator": return ScoreSource.DISCRIMINATOR;
            case "reconstruction": case "g": return ScoreSource.RECONSTRUCTION;
            default: throw new BadInputException("--score-by must be d, reconstruction or auto, got '" + s + "'");
        }
    }

    static Dataset withMapping(Dataset ds, String name) {
        if (name == null) return ds;
        SegmentMapping m;
        switch (name) {
            case "segments": m = SegmentMapping.FIXED_LENGTH; break;
            case "ucf32": m = SegmentMapping.UCF_CRIME_32; break;
            default: throw new BadInputException("--mapping must be segments or ucf32, got '" + name + "'");
        }
        return new Dataset(ds.name(), ds.train(), ds.test(), ds.segmentFrames(), m, ds.notes());
    }

    private static String mappingName(SegmentMapping m) {
        return m == SegmentMapping.UCF_CRIME_32 ? "ucf32" : "segments";
    }

    private static String nameOf(Dataset ds, dev.gcl.io.FeatureMatrix fm) {
        for (TestVideo v : ds.test()) if (v.features() == fm) return v.name();
        throw new IllegalStateException("unknown test video");
    }

    /** Reads <dir>/<video>.npy for every test video: 1-D, one float per segment. */
    private static Map<String, float[]> readScores(Path dir, List<TestVideo> videos) {
        if (!Files.isDirectory(dir)) throw new BadInputException(dir + ": not a folder of <video>.npy scores");
        Map<String, float[]> scores = new HashMap<>();
        for (TestVideo v : videos) {
            Path f = dir.resolve(v.name() + ".npy");
            if (!Files.isRegularFile(f)) throw new DataFormatException(f, "missing: no scores for test video " + v.name());
            NpyFloats a = NpyReader.read(f);
            long n = 1;
            for (long d : a.shape()) n *= d;
            if (a.shape().length > 2 || (a.shape().length == 2 && a.shape()[1] != 1) || n != v.segments()) {
                throw new DataFormatException(f, "holds " + java.util.Arrays.toString(a.shape()) + " scores; video "
                        + v.name() + " has " + v.segments() + " segments");
            }
            scores.put(v.name(), a.data());
        }
        return scores;
    }
}
