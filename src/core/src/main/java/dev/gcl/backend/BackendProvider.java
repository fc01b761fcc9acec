package dev.gcl.backend;

import java.util.List;
import java.util.Set;

/**
 * One backend as the rest of gcl sees it before creating it: its name, whether this machine can run it and why,
 * what it supports, and how to create it. One implementation per backend package, registered by one line in its
 * artifact's {@code META-INF/services/dev.gcl.backend.BackendProvider} (and {@code provides} in a module
 * descriptor); {@link Backends} finds them through {@link java.util.ServiceLoader}, so nothing outside the backend's
 * package names it, and orders them by {@link #priority()}, never by class-path order. Implementations must be
 * cheap to construct: a probe (loading native libraries) runs only when {@link #available()} is first asked.
 */
public interface BackendProvider {
    /** The name on the command line and in run.json, and {@link Backend#name()} of what it creates: "blas". */
    String name();

    /**
     * Where {@code auto} tries it: higher first (cuda 300, blas 200, the reference 0). Two providers of one
     * priority are an error of the registry, so no build's class-path order can decide.
     */
    int priority();

    /** Other names accepted for it ("cpu" for the reference). */
    default List<String> aliases() {
        return List.of();
    }

    /** True when {@link #create} can succeed on this machine (probed once per process; never throws). */
    boolean available();

    /** Why it is or is not available: the probe's one-line verdict. */
    String reason();

    /** What its probe looks for, for refusals ("--backend blas: OpenBLAS is unavailable: ..."): "OpenBLAS". */
    String requirement();

    /** The precisions its dense layers compute in. */
    Set<Precision> precisions();

    /** What it computes in, for refusals of another precision: "fp32 with double sums". */
    String arithmetic();

    /**
     * True when this machine has the hardware the backend is for, usable or not (an NVIDIA driver that sees a GPU):
     * auto passing it over is then news worth a warning, not the ordinary case of a machine without one.
     */
    default boolean devicePresent() {
        return false;
    }

    /**
     * Further lines for {@code gcl info} (after "device   "), one per device: for a GPU backend its compute
     * capability, driver, kernel image, whether the driver compiled it, free memory and the canary's verdict.
     */
    default List<String> deviceLines() {
        return List.of();
    }

    /**
     * Why a run needing this many bytes of device memory cannot fit now ("needs 12.0 GiB, 3.1 GiB free of 16.0 GiB
     * on GPU 0"), or null when it fits or the backend computes in host memory; backend auto passes over a provider
     * that says why.
     */
    default String memoryRefusal(long bytes) {
        return null;
    }

    /**
     * Free memory of the device a new backend of this kind would get, in bytes, or -1 for a backend that computes
     * in host memory or is unavailable ({@code gcl sweep --jobs auto} sizes runs at once on a device with it).
     */
    default long freeDeviceBytes() {
        return -1;
    }

    /** True when it computes on CPU threads (so a run's thread count means something and is recorded). */
    boolean usesCpuThreads();

    /** True for the reference: the spec every other backend is checked against (exactly one provider). */
    default boolean isReference() {
        return false;
    }

    /**
     * The key of its parity tolerances against the reference ({@code dev.gcl.verify.ParityTolerances#forCandidate}),
     * or null for the reference itself.
     */
    String parityTolerances();

    /**
     * A new backend; threads is ignored by a backend that does not use CPU threads. Throws IllegalStateException
     * with the probe's reason when unavailable. The precision is one of {@link #precisions()}.
     */
    Backend create(int threads, Precision precision);

    /** "blas (OpenBLAS FP32 GEMMs, 2 threads)" and the like: the name and what it is, for messages. */
    String describe(int threads);

    /** The name with its aliases, as listed in messages and {@code gcl info}: "reference (alias cpu)". */
    default String label() {
        return aliases().isEmpty() ? name() : name() + " (alias " + String.join(", ", aliases()) + ")";
    }

    /** Its line in {@code gcl info} (after "backend  "): "blas: available: OpenBLAS 0.3.31 (...)". */
    default String status(int threads) {
        return label() + ": " + (available() ? "available: " : "unavailable: ") + reason();
    }
}
