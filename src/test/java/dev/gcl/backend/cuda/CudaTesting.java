package dev.gcl.backend.cuda;

import org.junit.jupiter.api.Assumptions;

/** The one skip rule of the CUDA tests: no usable GPU here, with the probe's reason in the skip message. */
final class CudaTesting {
    private CudaTesting() {}

    static CudaBackend backendOrSkip() {
        CudaProbe probe = CudaProbe.get();
        Assumptions.assumeTrue(probe.available(), probe.reason());
        return new CudaBackend();
    }
}
