package dev.gcl.cli;

import picocli.CommandLine.Option;

import java.util.function.Consumer;

/** {@code --backend} and {@code --threads}, shared by the commands that train. */
final class BackendOptions {
    @Option(names = "--backend", defaultValue = "auto", description = "auto, cpu or cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--threads", description = "CPU backend threads (default: all cores).")
    Integer threads;

    BackendChoice.Resolved resolve(Consumer<String> notes) {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        return BackendChoice.resolve(backend, n, notes);
    }
}
