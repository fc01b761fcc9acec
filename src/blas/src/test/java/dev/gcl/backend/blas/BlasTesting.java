package dev.gcl.backend.blas;

import org.junit.jupiter.api.Assumptions;

/** The one skip rule of the OpenBLAS tests: the natives do not load here, with the probe's reason. */
final class BlasTesting {
    private BlasTesting() {}

    static BlasBackend backendOrSkip(int threads) {
        BlasProbe probe = BlasProbe.get();
        Assumptions.assumeTrue(probe.available(), probe.reason());
        return new BlasBackend(threads);
    }
}
