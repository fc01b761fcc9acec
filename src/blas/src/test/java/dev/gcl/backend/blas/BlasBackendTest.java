package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.reference.HostBackend;
import dev.gcl.backend.reference.HostBackendContractTest;
import dev.gcl.verify.ParityTolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The OpenBLAS backend against the op contract, plus what only it promises. */
class BlasBackendTest extends HostBackendContractTest {

    @Override
    protected Backend createBackend() {
        return BlasTesting.backendOrSkip(2);
    }

    @Override
    protected HostBackend createSingleThreaded() {
        return new BlasBackend(1);
    }

    @Override
    protected double tolerance(String op) {
        return ParityTolerances.contract(op);
    }

    @Test
    void probeSaysWhatLoaded() {
        BlasProbe probe = BlasProbe.get();
        assertTrue(probe.available(), probe.reason());
        assertTrue(probe.reason().contains("OpenBLAS"), probe.reason());
        assertEquals("blas", backend.name());
    }

    @Test
    void transfersOutsideABufferAreRefused() {
        DeviceFloats d = backend.allocFloats(8);
        assertThrows(IndexOutOfBoundsException.class, () -> backend.upload(new float[10], 0, d, 0, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> backend.download(d, 4, new float[8], 0, 5));
    }

    @Test
    void sharedHostArraysAreReadOnly() {
        DeviceFloats d = backend.share(new float[] {1, 2, 3, 4});
        assertThrows(IllegalArgumentException.class, () -> backend.fill(d, 1f));
        assertThrows(IllegalArgumentException.class, () -> backend.upload(new float[] {5}, 0, d, 0, 1));
    }

    @Test
    void aSharedArrayCanBeAGemmOperand() {
        // 1×2 · (1×2)ᵀ: the shared input is copied into native memory for the product
        DeviceFloats x = backend.share(new float[] {3, 4});
        DeviceFloats w = dev(new float[] {1, 2}), b = dev(new float[] {0.5f}), y = poisoned(1);
        backend.denseForward(x, w, b, y, 1, 2, 1, Activation.IDENTITY);
        assertArrayEquals(new float[] {11.5f}, host(y));
    }

    @Test
    void openingAndClosingManyTimesLeavesNoThreads() {
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 200; i++) {
            try (BlasBackend b = new BlasBackend(2)) {
                DeviceFloats a = b.allocFloats(1 << 10);
                b.fill(a, 1f);
                b.denseForward(a, b.allocFloats(64 * 32), b.allocFloats(64), b.allocFloats(32 * 64), 32, 32, 64,
                        Activation.RELU);
                b.rowMse(a, a, b.allocFloats(32), 32, 32);
            }
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (Thread.activeCount() > threadsBefore + 2 && System.currentTimeMillis() < deadline) Thread.onSpinWait();
        assertTrue(Thread.activeCount() <= threadsBefore + 2,
                "threads before " + threadsBefore + ", after " + Thread.activeCount());
    }
}
