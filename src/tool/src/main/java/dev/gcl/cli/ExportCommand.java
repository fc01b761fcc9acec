package dev.gcl.cli;

import dev.gcl.config.ScoreSource;
import dev.gcl.export.OnnxExport;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code gcl export}: a model's scoring graph as an ONNX file ({@link OnnxExport}), for runtimes outside the JVM.
 * Every check (format, output, model) comes before anything is written; the file appears whole or not at all.
 */
@Command(name = "export", sortOptions = false, description = {
        "Write a model's scoring graph for another runtime: an ONNX file (input 'features' [batch, D] float32,"
                + " output 'score' [batch] float32) that ONNX Runtime, Triton or any ONNX consumer serves.",
        "It carries the network that scores and model.json (model id, variant, provenance) as metadata; no"
                + " training state."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (weights.npz + model.json).")
    Path model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write (e.g. model.onnx).")
    Path out;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "onnx",
            description = "onnx (the only one so far; default).")
    String format;

    @Option(names = "--score-by", paramLabel = "SOURCE", defaultValue = "auto",
            description = "d, reconstruction or auto (the model's own; default): which score the graph computes.")
    String scoreBy;

    @Option(names = "--force", description = "Replace an existing output.")
    boolean force;

    @Mixin
    DebugOption debug;

    @Override
    public Integer call() {
        if (!"onnx".equals(format.toLowerCase(Locale.ROOT))) {
            throw new BadInputException("--format must be onnx, got '" + format + "'");
        }
        ScoreSource source = EvalCommand.parseSource(scoreBy);
        if (Files.isDirectory(out)) throw new BadInputException(out + ": is a directory; --out names the file to write");
        if (Files.exists(out) && !force) throw new BadInputException(out + ": already exists (use --force to replace it)");
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new BadInputException(out + ": " + parent + " is not a directory");
        }
        ModelFiles.Loaded loaded = ModelFiles.load(model);
        GclModel m = loaded.model();
        OnnxExport.write(loaded, source, out, force);
        ScoreSource by = source == ScoreSource.AUTO ? m.scoreSource() : source;
        spec.commandLine().getOut().printf("exported %s model %s (scores by %s, D = %d) as ONNX (IR %d, opset %d)"
                        + " to %s%n", m.variant().cliName(), m.modelId(), by.name().toLowerCase(Locale.ROOT), m.dim(),
                OnnxExport.IR_VERSION, OnnxExport.OPSET, out);
        return Main.OK;
    }
}
