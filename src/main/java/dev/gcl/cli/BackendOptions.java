package dev.gcl.cli;

import picocli.CommandLine.Option;

import java.util.function.Consumer;

/** {@code --backend}, {@code --threads} and {@code --precision}, shared by the commands that train. */
final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto", description = "auto, reference (alias cpu), blas or cuda (default: ${DEFAULT-VALUE}: cuda if usable, else blas, else reference).")
    String backend;

    @Option(names = "--threads", description = "Threads of the CPU backends, OpenBLAS and Java passes alike (default: all cores).")
    Integer threads;

    @Option(names = "--precision", paramLabel = "fp32|tf32", defaultValue = "fp32",
            description = "Dense-layer GEMMs: fp32 (default) or tf32 (CUDA tensor cores; refused on the CPU backends).")
    String precision;

    BackendChoice.Resolved resolve(Consumer<String> notes) {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        return BackendChoice.resolve(backend, n, BackendChoice.precision(precision), notes);
    }
}
