package dev.gcl.cli;

import dev.gcl.backend.BackendProvider;
import dev.gcl.backend.Backends;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import dev.gcl.model.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code gcl info}: Java, OS, cores, and each backend with why it is or is not available; {@code gcl info --model
 * DIR}: how a model was made (model.json's provenance, config and metrics).
 */
@Command(name = "info", description = {"Show Java, OS, cores and which backends are available, and why.",
        "With --model DIR: that model's id and how it was made (variant, config, backend, precision, threads, library version"
                + " and commit, training data fingerprint) and its metrics."})
final class InfoCommand implements Callable<Integer> {
    /** Shown for a provenance key a model.json lacks (written before gcl recorded it). */
    static final String UNKNOWN = "unknown (not recorded)";

    @Option(names = "--model", paramLabel = "DIR", description = "A model directory (weights.npz + model.json).")
    Path model;

    @Option(names = "--debug", description = "Show stack traces.")
    boolean debug;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (model != null) {
            printModel(out, ModelFiles.load(model));
            return Main.OK;
        }
        Runtime rt = Runtime.getRuntime();
        out.printf("gcl      %s%n", GclCommand.version());
        out.printf("java     %s (%s)%n", System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf("os       %s %s (%s)%n", System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("os.arch"));
        out.printf("cores    %d%n", rt.availableProcessors());
        out.printf("memory   %d MiB max heap%n", rt.maxMemory() >> 20);
        for (BackendProvider p : Backends.listed()) {
            out.printf("backend  %s%n", p.status(rt.availableProcessors()));
            for (String line : p.deviceLines()) out.printf("device   %s: %s%n", p.name(), line);
        }
        Backends.Auto auto = Backends.auto();
        out.printf("backend  auto: %s (%s)%n", auto.kind(), auto.why());
        for (dev.gcl.nn.ScorerProvider s : dev.gcl.nn.Scorers.providers()) {
            out.printf("scorer   %s: %s%s%n", s.name(), s.available() ? "available: " : "unavailable: ", s.reason());
        }
        out.printf("scorer   fast: %s%n", dev.gcl.nn.Scorers.fastest().map(dev.gcl.nn.ScorerProvider::describe)
                .orElse("none available: the reference arithmetic scores"));
        // OPENBLAS_CORETYPE below this CPU's instruction set: what it costs and how to lift it (never overridden)
        dev.gcl.backend.blas.CoreTypePin.here().ifPresent(w -> out.printf("openblas warning: %s%n", w));
        return Main.OK;
    }

    private void printModel(PrintWriter out, ModelFiles.Loaded loaded) {
        GclModel m = loaded.model();
        Provenance p = m.provenance();
        out.printf("model        %s%n", model);
        out.printf("model id     %s%n", m.modelId());
        out.printf("variant      %s (seed %d, scores by %s)%n", m.variant().cliName(), m.seed(),
                m.scoreSource().name().toLowerCase(java.util.Locale.ROOT));
        out.printf("networks     G %s%s%n", widths(m.generator().dims()),
                m.discriminator() == null ? "" : ", D " + widths(m.discriminator().dims()));
        String threads = p.threads() == null ? "" : ", " + p.threads() + (p.threads() == 1 ? " thread" : " threads");
        out.printf("backend      %s%n", p.backend() == null ? UNKNOWN
                : p.backend() + " (" + or(p.precision()) + threads + ")");
        out.printf("library      gcl %s, commit %s%n", or(p.libraryVersion()), or(p.gitCommit()));
        out.printf("data         fingerprint %s%n", or(p.dataFingerprint()));
        out.printf("created      %s%n", or(loaded.metadata().created()));
        loaded.metadata().metrics().forEach((k, v) -> out.printf("metric       %s %.4f%n", k, v));
        dev.gcl.config.ConfigKeys.toMap(m.config()).forEach((k, v) -> out.printf("config       %s = %s%n", k, v));
    }

    private static String widths(int[] dims) {
        return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    private static String or(String value) {
        return value == null ? UNKNOWN : value;
    }
}
