package dev.gcl.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendProvider;
import dev.gcl.backend.Backends;
import dev.gcl.backend.Precision;
import dev.gcl.config.GclConfig;
import dev.gcl.data.SyntheticVideos;
import dev.gcl.data.TrainingData;
import dev.gcl.verify.ParityTolerances;
import dev.gcl.verify.TrainingParity;
import dev.gcl.verify.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code gcl verify}: a candidate backend (CUDA by default, or the OpenBLAS backend with {@code --candidate blas})
 * against the CPU reference. The per-op parity suite on shapes drawn from the seed, then N gcl-b iterations from
 * that seed on both backends; prints a table per op and per iteration and writes the same as verify.json. Exit 0
 * when everything is within tolerance, 3 when not, 2 (one line with the probe's reason) when the candidate is
 * unavailable.
 */
@Command(name = "verify", sortOptions = false, description = {
        "Check a backend (cuda, or blas) against the CPU reference: every op on random shapes, then N GCL iterations.",
        "Exit 0 when all is within tolerance, 3 when not, 2 when the candidate is unavailable."})
final class VerifyCommand implements Callable<Integer> {
    /** Rows per iteration at most (the paper's 8192 makes the CPU side of a check slow for no gain). */
    static final int MAX_BATCH = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--candidate", paramLabel = "cuda|blas", defaultValue = "cuda",
            description = "The backend checked against the reference (default ${DEFAULT-VALUE}).")
    String candidate;

    @Option(names = "--data", paramLabel = "PATH",
            description = "Dataset (.yaml/.json/.npz) whose first training rows are used (default: generated videos, D = 96).")
    Path data;

    @Option(names = "--iterations", paramLabel = "N", defaultValue = "5", description = "GCL iterations (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of shapes, inputs, data and training (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--precision", paramLabel = "fp32|tf32", defaultValue = "fp32", description = "The candidate's GEMM precision (default ${DEFAULT-VALUE}; tf32 on cuda only).")
    String precision;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Where verify.json goes (default: the current directory).")
    Path out;

    @Option(names = "--threads", description = "Threads of the reference and of the blas candidate (default: all cores).")
    Integer threads;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    @Override
    public Integer call() {
        Precision p = BackendChoice.precision(precision);
        if (iterations < 1) throw new BadInputException("--iterations must be >= 1, got " + iterations);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) throw new BadInputException("--threads must be >= 1, got " + n);
        if (data != null && !Files.exists(data)) throw new BadInputException(data + ": no such file");
        BackendProvider c = Backends.providers().stream().filter(b -> !b.isReference() && b.name().equals(candidate))
                .findFirst().orElseThrow(() -> new BadInputException("--candidate must be "
                        + Backends.names(b -> !b.isReference()) + ", got '" + candidate + "'"));
        if (!c.available()) {
            // a CPU candidate is named by the option; a device one says what the machine lacks
            throw new BadInputException((c.usesCpuThreads() ? "--candidate " + c.name() : "verify needs a GPU") + ": "
                    + c.requirement() + " is unavailable: " + c.reason());
        }
        if (!c.precisions().contains(p)) {
            throw new BadInputException("--precision " + p.cliName() + " needs --candidate "
                    + Backends.names(b -> !b.isReference() && b.precisions().contains(p)));
        }
        String name = c.name() + " " + p.cliName() + " (" + c.reason()
                + (c.usesCpuThreads() ? ", " + n + " threads" : "") + ")";
        return verify(name, () -> c.create(n, p), ParityTolerances.forCandidate(c.parityTolerances(), p), p, n);
    }

    /**
     * Everything after the probe, with any candidate backend (tests use the CPU): loads the data, runs the
     * verification, prints it, writes verify.json atomically; 0 when it passed, 3 when not.
     */
    int verify(String candidateName, Supplier<Backend> candidate, Precision p, int referenceThreads) {
        return verify(candidateName, candidate, ParityTolerances.cuda(p), p, referenceThreads);
    }

    /** As above with the candidate's op tolerances given. */
    int verify(String candidateName, Supplier<Backend> candidate, ParityTolerances.OpTolerances tolerances,
               Precision p, int referenceThreads) {
        PrintWriter stdout = spec.commandLine().getOut();
        TrainingData all;
        String dataName;
        GclConfig.Builder settings;
        if (data != null) {
            all = DataChoice.load(data).train();
            dataName = data.toString();
            settings = GclConfig.builder().seed(seed);  // the paper's networks
        } else {
            all = SyntheticVideos.generate(SyntheticVideos.Params.small(seed).withDim(96)).data();
            dataName = "generated videos (seed " + seed + ", D = 96)";
            settings = GclConfig.builder().seed(seed).learningRate(1e-3).generatorHidden(128, 48, 128)
                    .discriminatorHidden(64, 8);
        }
        int batch = Math.min(MAX_BATCH, all.rows() / iterations);
        if (batch < 2) {
            throw new BadInputException(dataName + ": " + all.rows() + " training rows are too few for " + iterations
                    + " iterations of at least 2 rows");
        }
        GclConfig config = TrainingParity.config(settings, batch);
        TrainingData rows = TrainingParity.firstRows(all, iterations, batch);
        Verification v = Verification.run(candidateName, candidate, tolerances,
                "reference (" + referenceThreads + " threads)",
                () -> Backends.reference().create(referenceThreads, Precision.FP32), p, seed,
                dataName, rows, config);
        v.print(stdout);
        Path file = out.resolve("verify.json");
        write(v, file);
        stdout.println("wrote " + file);
        stdout.flush();
        return v.passed() ? Main.OK : Main.MISMATCH;
    }

    private static void write(Verification v, Path file) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, json.writeValueAsBytes(v.toJson(json)));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
