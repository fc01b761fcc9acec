package dev.gcl.cli;

import dev.gcl.config.ScoreSource;
import dev.gcl.data.Dataset;
import dev.gcl.data.TestVideo;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.io.CropMode;
import dev.gcl.io.FeatureFiles;
import dev.gcl.io.FeatureFormat;
import dev.gcl.io.FeatureMatrix;
import dev.gcl.io.NpyWriter;
import dev.gcl.io.NpzTable;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import dev.gcl.model.ScoringArithmetic;
import dev.gcl.nn.ScorerProvider;
import dev.gcl.nn.Scorers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/**
 * {@code gcl score}: per-segment anomaly scores from a saved model. A feature file (.npy [T, D] or [T, crops, D],
 * C3D text) or an .npz table gives one .npy of scores; a dataset description gives a folder with one
 * {@code <video>.npy} per test video (the layout {@code gcl eval --scores} reads).
 */
@Command(name = "score", sortOptions = false, description = "Score segments with a saved model: one float per segment.")
final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (weights.npz + model.json).")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "FILE|DATASET",
            description = "A feature file (.npy, .txt C3D text), an .npz with X, or a dataset description (.yaml/.json).")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE|DIR", description = "Scores .npy (file input) or folder (dataset).")
    Path out;

    @Option(names = "--score-by", paramLabel = "SOURCE", defaultValue = "auto",
            description = "d, reconstruction or auto (the model's own; default).")
    String scoreBy;

    @Option(names = "--scorer", paramLabel = "NAME",
            description = "fast: the fastest FP32 scorer here (OpenBLAS's where it loads; default); reference: the exact"
                    + " reference arithmetic; or a scorer by name (blas).")
    String scorer;

    @Option(names = "--threads", paramLabel = "N", description = "Threads a large batch is split over by the fast scorer (default: all cores).")
    Integer threads;

    @Option(names = "--force", description = "Replace an existing output.")
    boolean force;

    @Mixin
    DebugOption debug;

    @Override
    public Integer call() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) throw new BadInputException("--threads must be >= 1, got " + n);
        String chosen = chooseScorer(scorer, spec.commandLine().getOut());
        ScoreSource source = EvalCommand.parseSource(scoreBy);
        GclModel m = ModelFiles.load(model).model().withScorer(chosen, n);
        Throughput timing = new Throughput();
        if (!Files.exists(input)) throw new BadInputException(input + ": no such file");
        String name = input.getFileName().toString().toLowerCase();
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
            Dataset ds = DataChoice.load(input);
            try (AtomicDirectory dir = AtomicDirectory.create(out, force)) {
                for (TestVideo v : ds.test()) {
                    NpyWriter.writeVector(dir.path().resolve(v.name() + ".npy"),
                            timing.score(m, source, v.features(), v.name()));
                }
                timing.write(dir.path().resolve("scoring.json"), m);
                dir.commit();
            }
            spec.commandLine().getOut().println(timing.line(m));
            spec.commandLine().getOut().printf("scored %d test videos; wrote %s%n", ds.test().size(), out);
            return Main.OK;
        }
        FeatureMatrix x;
        if (name.endsWith(".npz")) {
            NpzTable t = NpzTable.read(input);
            x = new FeatureMatrix(t.x(), t.rows(), t.dim());
        } else {
            FeatureFormat format = name.endsWith(".txt") ? FeatureFormat.C3D_TEXT : FeatureFormat.NPY;
            x = FeatureFiles.read(input, format, CropMode.AVERAGE);
        }
        float[] scores = timing.score(m, source, x, input.toString());
        if (Files.exists(out) && !force) throw new BadInputException(out + ": already exists (use --force to replace it)");
        Path tmp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".tmp");
        try {
            NpyWriter.writeVector(tmp, scores);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println(timing.line(m));
        spec.commandLine().getOut().printf("scored %d segments; wrote %s%n", scores.length, out);
        return Main.OK;
    }

    static float[] score(GclModel m, ScoreSource source, FeatureMatrix x, String what) {
        if (x.dim() != m.dim()) {
            throw new BadInputException(what + ": features have dimension " + x.dim() + ", the model expects " + m.dim());
        }
        float[] s = new float[x.rows()];
        m.score(source, x.data(), x.rows(), s);
        return s;
    }

    /** --scorer: fast by default where a fast scorer is available (else the reference, said in one line); named and unavailable: exit 2. */
    static String chooseScorer(String name, java.io.PrintWriter notes) {
        if (name == null) {
            if (Scorers.fastest().isPresent()) return "fast";
            notes.println("scorer: reference (no fast scorer is available: " + Scorers.whyNone() + ")");
            return "reference";
        }
        if (name.equals(ScoringArithmetic.REFERENCE.cliName())) return name;
        if (name.equals(ScoringArithmetic.FAST.cliName())) {
            if (Scorers.fastest().isEmpty()) {
                throw new BadInputException("--scorer fast: no fast scorer is available: " + Scorers.whyNone());
            }
            return name;
        }
        ScorerProvider p;
        try {
            p = Scorers.provider(name);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--scorer: " + e.getMessage());
        }
        if (!p.available()) throw new BadInputException("--scorer " + name + ": unavailable: " + p.reason());
        return name;
    }

    /** Segments scored and nanoseconds spent in GclModel.score only (not the JVM start or the file reading). */
    static final class Throughput {
        long segments, nanos;

        float[] score(GclModel m, ScoreSource source, FeatureMatrix x, String what) {
            long t0 = System.nanoTime();
            float[] s = ScoreCommand.score(m, source, x, what);
            nanos += System.nanoTime() - t0;
            segments += x.rows();
            return s;
        }

        double segmentsPerSecond() {
            return nanos > 0 ? segments / (nanos / 1e9) : 0;
        }

        String line(GclModel m) {
            return String.format(java.util.Locale.ROOT, "scoring: %d segments in %.3f s, %.0f segments/s (scorer %s,"
                    + " %d threads)", segments, nanos / 1e9, segmentsPerSecond(), m.scorerName(),
                    m.scoringThreads());
        }

        /** scoring.json in the output folder. */
        void write(Path file, GclModel m) {
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            com.fasterxml.jackson.databind.node.ObjectNode r = json.createObjectNode();
            r.put("segments", segments);
            r.put("seconds", nanos / 1e9);
            r.put("segments_per_second", segmentsPerSecond());
            r.put("scorer", m.scorer().cliName());
            r.put("scorer_name", m.scorerName());
            r.put("threads", m.scoringThreads());
            r.put("score_source", m.scoreSource().name().toLowerCase(java.util.Locale.ROOT));
            try {
                Files.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(r));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
