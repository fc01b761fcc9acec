package dev.gcl.backend.reference;

import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendProvider;
import dev.gcl.backend.Precision;

import java.util.List;
import java.util.Set;

/** The reference, "reference" (alias "cpu"): always available, FP32 inputs with double sums, on CPU threads. */
public final class ReferenceProvider implements BackendProvider {
    @Override public String name() { return "reference"; }
    /** the last resort: always available, slowest. */
    @Override public int priority() { return 0; }
    @Override public List<String> aliases() { return List.of("cpu"); }
    @Override public boolean available() { return true; }
    @Override public String reason() { return "plain Java: runs wherever gcl runs"; }
    @Override public String requirement() { return "Java"; }
    @Override public Set<Precision> precisions() { return Set.of(Precision.FP32); }
    @Override public String arithmetic() { return "fp32 with double sums"; }
    @Override public boolean usesCpuThreads() { return true; }
    @Override public boolean isReference() { return true; }
    @Override public String parityTolerances() { return null; }

    @Override
    public Backend create(int threads, Precision precision) {
        return new ReferenceBackend(threads);
    }

    @Override
    public String describe(int threads) {
        return "reference (the CPU reference, double sums, " + threads + " threads)";
    }

    @Override
    public String status(int threads) {
        return label() + ": available (the CPU reference: double sums, " + threads + " threads)";
    }
}
