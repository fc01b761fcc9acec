package dev.gcl.cli;

import dev.gcl.backend.Backend;
import dev.gcl.backend.Backends;
import dev.gcl.backend.Precision;
import dev.gcl.backend.cuda.CudaProbe;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code --backend auto|cpu|cuda}, {@code --threads N} and {@code --precision fp32|tf32}: which backend a run trains
 * on. TF32 exists only on CUDA: {@code --precision tf32} with {@code --backend cpu}, or with {@code auto} on a
 * machine where CUDA is unavailable, is refused (exit 2) instead of silently training in FP32.
 */
final class BackendChoice {
    private BackendChoice() {}

    /** The backend kind a choice resolves to: auto becomes cuda when the probe passes, else cpu. */
    record Resolved(String kind, Precision precision, Supplier<Backend> backends) {}

    /** Parses --precision; bad input names the option. */
    static Precision precision(String text) {
        try {
            return Precision.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /**
     * Resolves the choice; {@code notes} receives one line when auto falls back to the CPU. Throws
     * {@link BadInputException} for cuda when CUDA is unavailable, naming the probe's reason.
     */
    static Resolved resolve(String name, int threads, Precision precision, Consumer<String> notes) {
        if (threads < 1) throw new BadInputException("--threads must be >= 1, got " + threads);
        CudaProbe probe = CudaProbe.get();
        String kind;
        switch (name) {
            case "cpu":
                if (precision == Precision.TF32) {
                    throw new BadInputException("--precision tf32 needs --backend cuda: the cpu backend computes in"
                            + " fp32 with double sums only");
                }
                kind = "cpu";
                break;
            case "cuda":
                if (!probe.available()) throw new BadInputException("--backend cuda: CUDA is unavailable: " + probe.reason());
                kind = "cuda";
                break;
            case "auto":
                kind = probe.available() ? "cuda" : "cpu";
                if (!probe.available() && precision == Precision.TF32) {
                    throw new BadInputException("--precision tf32 needs the cuda backend; backend auto found CUDA"
                            + " unavailable: " + probe.reason());
                }
                if (!probe.available()) notes.accept("backend auto: using cpu (" + threads + " threads); cuda is"
                        + " unavailable: " + probe.reason());
                break;
            default:
                throw new BadInputException("--backend must be auto, cpu or cuda, got '" + name + "'");
        }
        return new Resolved(kind, precision, Backends.supplier(kind, threads, precision));
    }
}
