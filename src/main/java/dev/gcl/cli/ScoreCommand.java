package dev.gcl.cli;

import dev.gcl.GclModel;
import dev.gcl.ScoreSource;
import dev.gcl.data.Dataset;
import dev.gcl.data.TestVideo;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.io.CropMode;
import dev.gcl.io.FeatureFiles;
import dev.gcl.io.FeatureFormat;
import dev.gcl.io.FeatureMatrix;
import dev.gcl.io.NpyWriter;
import dev.gcl.io.NpzTable;
import dev.gcl.model.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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

    @Option(names = "--force", description = "Replace an existing output.")
    boolean force;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    @Override
    public Integer call() {
        GclModel m = ModelFiles.load(model).model();
        ScoreSource source = EvalCommand.parseSource(scoreBy);
        if (!Files.exists(input)) throw new BadInputException(input + ": no such file");
        String name = input.getFileName().toString().toLowerCase();
        if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
            Dataset ds = DataChoice.load(input);
            try (AtomicDirectory dir = AtomicDirectory.create(out, force)) {
                for (TestVideo v : ds.test()) {
                    NpyWriter.writeVector(dir.path().resolve(v.name() + ".npy"), score(m, source, v.features(), v.name()));
                }
                dir.commit();
            }
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
        float[] scores = score(m, source, x, input.toString());
        if (Files.exists(out) && !force) throw new BadInputException(out + ": already exists (use --force to replace it)");
        Path tmp = out.toAbsolutePath().resolveSibling("." + out.getFileName() + ".tmp");
        try {
            NpyWriter.writeVector(tmp, scores);
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
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
}
