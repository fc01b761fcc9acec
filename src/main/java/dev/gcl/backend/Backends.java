package dev.gcl.backend;

import dev.gcl.backend.cpu.CpuBackend;
import dev.gcl.backend.cuda.CudaBackend;
import dev.gcl.backend.cuda.CudaProbe;

import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Creates backends by name: {@code "cpu"}, {@code "cuda"}, or {@code "auto"} (CUDA when {@link CudaProbe} passes,
 * else the CPU with one log line saying why), in a {@link Precision}. TF32 exists only on CUDA: asking the CPU for
 * it, directly or through {@code auto} on a machine without a GPU, is refused (IllegalArgumentException) rather than
 * silently run in another precision.
 */
public final class Backends {
    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    private static boolean fallbackLogged;

    private Backends() {}

    /** {@link #create(String, int, Precision)} in FP32. */
    public static Backend create(String kind, int threads) {
        return create(kind, threads, Precision.FP32);
    }

    /**
     * A new backend. threads is the CPU backend's thread count (ignored by CUDA). "cuda" throws
     * IllegalStateException with the probe's reason when CUDA is unavailable; TF32 on the CPU throws
     * IllegalArgumentException.
     */
    public static Backend create(String kind, int threads, Precision precision) {
        switch (kind) {
            case "cpu":
                requireFp32OnCpu(precision, "");
                return new CpuBackend(threads);
            case "cuda":
                return new CudaBackend(precision);
            case "auto":
                CudaProbe probe = CudaProbe.get();
                if (probe.available()) return new CudaBackend(precision);
                requireFp32OnCpu(precision, " (backend auto: CUDA is unavailable: " + probe.reason() + ")");
                logFallback(probe.reason());
                return new CpuBackend(threads);
            default:
                throw new IllegalArgumentException("unknown backend '" + kind + "' (expected auto, cpu or cuda)");
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

    private static void requireFp32OnCpu(Precision precision, String why) {
        if (precision != Precision.FP32) {
            throw new IllegalArgumentException("precision " + precision.cliName() + " needs the cuda backend: the cpu"
                    + " backend computes in fp32 with double sums only" + why);
        }
    }

    private static synchronized void logFallback(String reason) {
        if (fallbackLogged) return;
        fallbackLogged = true;
        LOG.info("backend auto: using the CPU backend; CUDA is unavailable: " + reason);
    }
}
