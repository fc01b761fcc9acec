package dev.gcl.cli;

import picocli.CommandLine.Option;

import java.util.function.Consumer;

/** {@code --backend}, {@code --threads} and {@code --precision}, shared by the commands that train. */
final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto", description = "auto, reference (alias cpu), blas or cuda (default: ${DEFAULT-VALUE}: cuda if usable, else blas, else reference).")
    String backend;

    @Option(names = "--threads", description = "Threads of the CPU backends, OpenBLAS and Java passes alike"
            + " (default: by the run's shape, one per 64 M multiply-adds of an iteration's forward pass, at most all"
            + " cores; the run says how many).")
    Integer threads;

    @Option(names = "--precision", paramLabel = "fp32|tf32", defaultValue = "fp32",
            description = "Dense-layer GEMMs: fp32 (default) or tf32 (CUDA tensor cores; refused on the CPU backends).")
    String precision;

    @Option(names = "--device", paramLabel = "N", description = "The CUDA device to use, by its index among the visible"
            + " ones (default: the first that passes its checks; sweep runs spread over the usable ones). The Java API"
            + " reads GCL_CUDA_DEVICE.")
    Integer device;

    BackendChoice.Resolved resolve(Consumer<String> notes) {
        if (device != null) {
            if (device < 0) throw new BadInputException("--device must be >= 0, got " + device);
            System.setProperty("gcl.cuda.device", Integer.toString(device));  // read once, by the CUDA probe
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        return BackendChoice.resolve(backend, n, BackendChoice.precision(precision), threads == null, notes);
    }
}
