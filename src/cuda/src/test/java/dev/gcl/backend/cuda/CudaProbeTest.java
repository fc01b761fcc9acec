package dev.gcl.backend.cuda;

import dev.gcl.backend.Backend;
import dev.gcl.backend.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The probe never throws and always explains itself. On a machine without a usable GPU (CI, build machines) it
 * says unavailable with a reason, "auto" falls back to the CPU and "cuda" refuses with that reason; on a GPU
 * machine the verdict is consistent and "auto" picks CUDA.
 */
class CudaProbeTest {

    @Test
    void probeAnswersWithAReasonAndIsCached() {
        CudaProbe probe = assertDoesNotThrow(CudaProbe::get);
        assertNotNull(probe.reason());
        assertFalse(probe.reason().isBlank(), "the verdict carries a reason");
        assertSame(probe, CudaProbe.get(), "probed once per process");
        System.out.println("[cuda probe] " + probe);
    }

    @Test
    void withoutAGpuAutoFallsBackToTheCpuAndCudaRefusesWithTheReason() {
        CudaProbe probe = CudaProbe.get();
        if (probe.available()) {
            try (Backend b = Backends.create("auto", 1)) {
                assertEquals("cuda", b.name(), "auto picks CUDA when the probe passes");
            }
            return;
        }
        try (Backend b = Backends.create("auto", 1)) {
            assertEquals("reference", b.name(), "without CUDA, and without gcl-blas on this module's class path, auto"
                    + " picks the reference");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.create("cuda", 1));
        assertTrue(e.getMessage().contains(probe.reason()), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Backends.supplier("cuda", 1), "fails at once, not in fit");
    }

    @Test
    void onThisMachineTheReasonNamesTheMissingPiece() {
        CudaProbe probe = CudaProbe.get();
        if (probe.available()) {
            assertTrue(probe.reason().contains("compute capability"), probe.reason());
            return;
        }
        assertTrue(probe.reason().matches("(?s)^(no libcuda\\.so\\.1|no CUDA device|cuInit failed|driver too old|"
                + "device too old|kernels not bundled|kernels do not load|probe failed).*"), probe.reason());
    }

    @Test
    void unknownBackendNamesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("tpu", 1));
        assertTrue(e.getMessage().contains("auto, reference (alias cpu) or cuda"), e.getMessage());
    }
}
