package dev.gcl.cli;

import dev.gcl.backend.Backend;
import dev.gcl.backend.cpu.CpuBackend;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@code --backend auto|cpu|cuda} and {@code --threads N}: which backend a run trains on. */
final class BackendChoice {
    private BackendChoice() {}

    /**
     * A supplier of fresh backends for the choice; {@code notes} receives one line when auto falls back to the CPU.
     * Throws {@link BadInputException} for cuda when CUDA is unavailable, naming the reason.
     */
    static Supplier<Backend> resolve(String name, int threads, Consumer<String> notes) {
        if (threads < 1) throw new BadInputException("--threads must be >= 1, got " + threads);
        String reason = "the CUDA backend is not part of this build yet";
        switch (name) {
            case "cpu":
                return () -> new CpuBackend(threads);
            case "auto":
                notes.accept("backend auto: using cpu (" + threads + " threads); cuda unavailable: " + reason);
                return () -> new CpuBackend(threads);
            case "cuda":
                throw new BadInputException("--backend cuda: CUDA is not available: " + reason);
            default:
                throw new BadInputException("--backend must be auto, cpu or cuda, got '" + name + "'");
        }
    }

    /** The name recorded in run reports for a supplier's backends. */
    static String nameOf(Supplier<Backend> backends) {
        try (Backend b = backends.get()) {
            return b.name();
        }
    }
}
