package dev.gcl.backend;

import dev.gcl.backend.blas.BlasBackend;
import dev.gcl.backend.blas.BlasProbe;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.backend.cuda.CudaBackend;
import dev.gcl.backend.cuda.CudaProbe;

import java.util.Locale;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Creates backends by name, in a {@link Precision}:
 * <ul>
 *   <li>{@code "reference"} (alias {@code "cpu"}): {@link ReferenceBackend}, the spec, double sums, bit-reproducible on
 *       any machine and thread count; slow.</li>
 *   <li>{@code "blas"}: {@link BlasBackend}, FP32 GEMMs through OpenBLAS, checked against the reference.</li>
 *   <li>{@code "cuda"}: {@link CudaBackend}.</li>
 *   <li>{@code "auto"}: cuda when {@link CudaProbe} passes, else blas when {@link BlasProbe} passes, else the
 *       reference, with one log line saying why.</li>
 * </ul>
 * TF32 exists only on CUDA: asking a CPU backend for it, directly or through {@code auto} on a machine without a
 * GPU, is refused (IllegalArgumentException) rather than silently run in another precision.
 */
public final class Backends {
    /** The names {@link #create} accepts, as listed in messages. */
    public static final String NAMES = "auto, reference (alias cpu), blas or cuda";

    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    private static boolean fallbackLogged;

    private Backends() {}

    /** {@link #create(String, int, Precision)} in FP32. */
    public static Backend create(String kind, int threads) {
        return create(kind, threads, Precision.FP32);
    }

    /** The canonical name of a backend name ("cpu" → "reference"), unchanged for auto and unknown names. */
    public static String canonical(String kind) {
        return "cpu".equals(kind) ? "reference" : kind;
    }

    /**
     * What "auto" picks on this machine: "cuda", "blas" or "reference" (by the probes, in that order), and why,
     * in one line.
     */
    public static Auto auto() {
        CudaProbe cuda = CudaProbe.get();
        if (cuda.available()) return new Auto("cuda", "cuda is available: " + cuda.reason());
        BlasProbe blas = BlasProbe.get();
        if (blas.available()) return new Auto("blas", "cuda is unavailable: " + cuda.reason());
        return new Auto("reference", "cuda is unavailable: " + cuda.reason() + "; blas is unavailable: "
                + blas.reason());
    }

    /** "blas (OpenBLAS FP32 GEMMs, 2 threads)" and the like: a backend name and what it is, for messages. */
    public static String describe(String kind, int threads) {
        switch (canonical(kind)) {
            case "blas": return "blas (OpenBLAS FP32 GEMMs, " + threads + " threads)";
            case "reference": return "reference (the CPU reference, double sums, " + threads + " threads)";
            default: return kind;
        }
    }

    /** auto's choice: a backend name and why. */
    public record Auto(String kind, String why) {}

    /**
     * A new backend. threads is the thread count of the CPU backends (ignored by CUDA). "cuda" and "blas" throw
     * IllegalStateException with their probe's reason when unavailable; TF32 on a CPU backend throws
     * IllegalArgumentException.
     */
    public static Backend create(String kind, int threads, Precision precision) {
        switch (canonical(kind)) {
            case "reference":
                requireFp32OnCpu("reference", precision, "");
                return new ReferenceBackend(threads);
            case "blas":
                requireFp32OnCpu("blas", precision, "");
                return new BlasBackend(threads);
            case "cuda":
                return new CudaBackend(precision);
            case "auto":
                Auto auto = auto();
                if (auto.kind().equals("cuda")) return new CudaBackend(precision);
                requireFp32OnCpu(auto.kind(), precision, " (backend auto: " + auto.why() + ")");
                logFallback(auto);
                return auto.kind().equals("blas") ? new BlasBackend(threads) : new ReferenceBackend(threads);
            default:
                throw new IllegalArgumentException("unknown backend '" + kind + "' (expected " + NAMES + ")");
        }
    }

    /** A supplier for {@code Gcl.withBackend}: each call creates a fresh FP32 backend of this kind. */
    public static Supplier<Backend> supplier(String kind, int threads) {
        return supplier(kind, threads, Precision.FP32);
    }

    /** A supplier for {@code Gcl.withBackend}: each call creates a fresh backend of this kind and precision. */
    public static Supplier<Backend> supplier(String kind, int threads, Precision precision) {
        create(kind, threads, precision).close();  // fail now, not inside fit, on an unknown or unavailable kind
        return () -> create(kind, threads, precision);
    }

    private static void requireFp32OnCpu(String kind, Precision precision, String why) {
        if (precision != Precision.FP32) {
            throw new IllegalArgumentException("precision " + precision.cliName() + " needs the cuda backend: the "
                    + kind + " backend computes in fp32" + (kind.equals("reference") ? " with double sums" : "")
                    + " only" + why);
        }
    }

    private static synchronized void logFallback(Auto auto) {
        if (fallbackLogged) return;
        fallbackLogged = true;
        LOG.info(String.format(Locale.ROOT, "backend auto: using %s; %s", auto.kind(), auto.why()));
    }
}
