package dev.gcl.backend.blas;

import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendProvider;
import dev.gcl.backend.Precision;

import java.util.Set;

/** "blas": FP32 GEMMs through OpenBLAS on CPU threads, where {@link BlasProbe} finds OpenBLAS. */
public final class BlasProvider implements BackendProvider {
    @Override public String name() { return "blas"; }
    /** FP32 on every core: after a GPU. */
    @Override public int priority() { return 200; }
    @Override public boolean available() { return BlasProbe.get().available(); }
    @Override public String reason() { return BlasProbe.get().reason(); }
    @Override public String requirement() { return "OpenBLAS"; }
    @Override public Set<Precision> precisions() { return Set.of(Precision.FP32); }
    @Override public String arithmetic() { return "fp32"; }
    @Override public boolean usesCpuThreads() { return true; }
    @Override public String parityTolerances() { return "blas-fp32"; }

    @Override
    public Backend create(int threads, Precision precision) {
        return new BlasBackend(threads);
    }

    @Override
    public String describe(int threads) {
        return "blas (OpenBLAS FP32 GEMMs, " + threads + " threads)";
    }
}
