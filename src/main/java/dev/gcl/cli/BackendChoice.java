package dev.gcl.cli;

import dev.gcl.backend.Backend;
import dev.gcl.backend.Backends;
import dev.gcl.backend.cuda.CudaProbe;

import java.util.function.Consumer;
import java.util.function.Supplier;

/** {@code --backend auto|cpu|cuda} and {@code --threads N}: which backend a run trains on. */
final class BackendChoice {
    private BackendChoice() {}

    /** The backend kind a choice resolves to: auto becomes cuda when the probe passes, else cpu. */
    record Resolved(String kind, Supplier<Backend> backends) {}

    /**
     * Resolves the choice; {@code notes} receives one line when auto falls back to the CPU. Throws
     * {@link BadInputException} for cuda when CUDA is unavailable, naming the probe's reason.
     */
    static Resolved resolve(String name, int threads, Consumer<String> notes) {
        if (threads < 1) throw new BadInputException("--threads must be >= 1, got " + threads);
        CudaProbe probe = CudaProbe.get();
        String kind;
        switch (name) {
            case "cpu":
                kind = "cpu";
                break;
            case "cuda":
                if (!probe.available()) throw new BadInputException("--backend cuda: CUDA is unavailable: " + probe.reason());
                kind = "cuda";
                break;
            case "auto":
                kind = probe.available() ? "cuda" : "cpu";
                if (!probe.available()) notes.accept("backend auto: using cpu (" + threads + " threads); cuda is"
                        + " unavailable: " + probe.reason());
                break;
            default:
                throw new BadInputException("--backend must be auto, cpu or cuda, got '" + name + "'");
        }
        return new Resolved(kind, Backends.supplier(kind, threads));
    }
}
