package dev.gcl.cli;

import dev.gcl.ScoringArithmetic;
import dev.gcl.backend.Backend;
import dev.gcl.backend.Backends;
import dev.gcl.backend.Precision;
import dev.gcl.backend.blas.BlasProbe;
import dev.gcl.backend.cuda.CudaProbe;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code --backend auto|reference|blas|cuda} ({@code cpu} = reference), {@code --threads N} and
 * {@code --precision fp32|tf32}: which backend a run trains on. auto: cuda when its probe passes, else blas when
 * OpenBLAS loads, else the reference, and the run says which and why. TF32 exists only on CUDA: asking a CPU
 * backend for it, by name or through auto on a machine where CUDA is unavailable, is refused (exit 2) instead of
 * silently training in FP32. A backend named but unavailable is refused with its probe's reason (exit 2).
 */
final class BackendChoice {
    private BackendChoice() {}

    /** The backend kind a choice resolves to ("reference", "blas" or "cuda"), its precision and threads. */
    record Resolved(String kind, Precision precision, int threads, Supplier<Backend> backends) {
        /** How the run's test split is scored: the reference's runs with the reference arithmetic. */
        ScoringArithmetic scorer() {
            return kind.equals("reference") || !BlasProbe.get().available() ? ScoringArithmetic.REFERENCE
                    : ScoringArithmetic.FAST;
        }
    }

    /** Parses --precision; bad input names the option. */
    static Precision precision(String text) {
        try {
            return Precision.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    /**
     * Resolves the choice; {@code notes} receives one line saying which backend auto picked and why. Throws
     * {@link BadInputException} for a named backend that is unavailable, naming the probe's reason.
     */
    static Resolved resolve(String name, int threads, Precision precision, Consumer<String> notes) {
        if (threads < 1) throw new BadInputException("--threads must be >= 1, got " + threads);
        String kind;
        switch (Backends.canonical(name)) {
            case "reference":
            case "blas":
                kind = Backends.canonical(name);
                if (kind.equals("blas") && !BlasProbe.get().available()) {
                    throw new BadInputException("--backend blas: OpenBLAS is unavailable: " + BlasProbe.get().reason());
                }
                if (precision == Precision.TF32) {
                    throw new BadInputException("--precision tf32 needs --backend cuda: the " + kind + " backend"
                            + " computes in fp32");
                }
                break;
            case "cuda":
                CudaProbe probe = CudaProbe.get();
                if (!probe.available()) throw new BadInputException("--backend cuda: CUDA is unavailable: " + probe.reason());
                kind = "cuda";
                break;
            case "auto":
                Backends.Auto auto = Backends.auto();
                kind = auto.kind();
                if (!kind.equals("cuda") && precision == Precision.TF32) {
                    throw new BadInputException("--precision tf32 needs the cuda backend; backend auto found " + auto.why());
                }
                notes.accept("backend auto: using " + describe(kind, threads) + "; " + auto.why());
                break;
            default:
                throw new BadInputException("--backend must be " + Backends.NAMES + ", got '" + name + "'");
        }
        return new Resolved(kind, precision, threads, Backends.supplier(kind, threads, precision));
    }

    /** "blas (OpenBLAS FP32 GEMMs, 2 threads)" and the like, for the run's first lines. */
    static String describe(String kind, int threads) {
        return Backends.describe(kind, threads);
    }
}
