package dev.gcl.backend;

/**
 * Whether this machine can run a backend, and why not: a verdict reached once per process by the backend's probe
 * (a native library that failed to load cannot be loaded again) and cached there. A probe never throws.
 */
public abstract class Probe {
    private final String backend;
    private final boolean available;
    private final String reason;

    protected Probe(String backend, boolean available, String reason) {
        this.backend = backend;
        this.available = available;
        this.reason = reason;
    }

    /** True when the backend can be created. */
    public final boolean available() {
        return available;
    }

    /** Why the backend is unavailable, or, when available, what was found (device, library version, ...). */
    public final String reason() {
        return reason;
    }

    /** "blas available: OpenBLAS 0.3.31 (...)" or "cuda unavailable: no libcuda.so.1 ...". */
    @Override
    public final String toString() {
        return backend + (available ? " available: " : " unavailable: ") + reason;
    }
}
