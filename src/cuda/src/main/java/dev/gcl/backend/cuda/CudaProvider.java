package dev.gcl.backend.cuda;

import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendProvider;
import dev.gcl.backend.Precision;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** "cuda": the hand-written kernels on an NVIDIA GPU, FP32 or TF32, where {@link CudaProbe} finds one. */
public final class CudaProvider implements BackendProvider {
    @Override public String name() { return "cuda"; }
    /** the GPU first. */
    @Override public int priority() { return 300; }
    @Override public boolean available() { return CudaProbe.get().available(); }
    @Override public String reason() { return CudaProbe.get().reason(); }
    @Override public boolean devicePresent() { return CudaProbe.get().devicePresent(); }
    @Override public List<String> deviceLines() { return CudaProbe.deviceLines(); }
    @Override public String memoryRefusal(long bytes) { return CudaProbe.memoryRefusal(bytes); }
    @Override public long freeDeviceBytes() { return CudaProbe.freeBytes(); }
    @Override public String requirement() { return "CUDA"; }
    @Override public Set<Precision> precisions() { return EnumSet.allOf(Precision.class); }
    @Override public String arithmetic() { return "fp32 or tf32"; }
    @Override public boolean usesCpuThreads() { return false; }
    @Override public String parityTolerances() { return "cuda"; }

    @Override
    public Backend create(int threads, Precision precision) {
        return new CudaBackend(precision);
    }

    @Override
    public String describe(int threads) {
        return "cuda";
    }
}
