package dev.gcl.backend;

import dev.gcl.backend.cpu.CpuBackend;
import dev.gcl.backend.cuda.CudaBackend;
import dev.gcl.backend.cuda.CudaProbe;

import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Creates backends by name: {@code "cpu"}, {@code "cuda"}, or {@code "auto"} (CUDA when {@link CudaProbe} passes,
 * else the CPU with one log line saying why).
 */
public final class Backends {
    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    private static boolean fallbackLogged;

    private Backends() {}

    /**
     * A new backend. threads is the CPU backend's thread count (ignored by CUDA). "cuda" throws
     * IllegalStateException with the probe's reason when CUDA is unavailable.
     */
    public static Backend create(String kind, int threads) {
        switch (kind) {
            case "cpu":
                return new CpuBackend(threads);
            case "cuda":
                return new CudaBackend();
            case "auto":
                CudaProbe probe = CudaProbe.get();
                if (probe.available()) return new CudaBackend();
                logFallback(probe.reason());
                return new CpuBackend(threads);
            default:
                throw new IllegalArgumentException("unknown backend '" + kind + "' (expected auto, cpu or cuda)");
        }
    }

    /** A supplier for {@code Gcl.withBackend}: each call creates a fresh backend of this kind. */
    public static Supplier<Backend> supplier(String kind, int threads) {
        create(kind, threads).close();  // fail now, not inside fit, on an unknown or unavailable kind
        return () -> create(kind, threads);
    }

    private static synchronized void logFallback(String reason) {
        if (fallbackLogged) return;
        fallbackLogged = true;
        LOG.info("backend auto: using the CPU backend; CUDA is unavailable: " + reason);
    }
}
