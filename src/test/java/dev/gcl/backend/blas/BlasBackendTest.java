package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendContractTest;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.verify.ParityTolerances;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The OpenBLAS backend against the op contract, plus what only it promises. */
class BlasBackendTest extends BackendContractTest {

    @Override
    protected Backend createBackend() {
        return BlasTesting.backendOrSkip(2);
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
    void closeReleasesEveryBufferAndRefusesLaterUse() {
        BlasBackend blas = new BlasBackend(1);
        blas.allocFloats(10);
        DeviceFloats d = blas.allocFloats(5);
        blas.allocInts(3);
        assertEquals(3, blas.liveBuffers());
        blas.free(d);
        assertEquals(2, blas.liveBuffers());
        blas.close();
        assertEquals(0, blas.liveBuffers());
        assertThrows(IllegalStateException.class, () -> blas.allocFloats(1));
    }

    @Test
    void buffersOfAnotherBackendAreRefused() {
        try (BlasBackend other = new BlasBackend(1)) {
            DeviceFloats foreign = other.allocFloats(4);
            assertThrows(IllegalArgumentException.class, () -> backend.fill(foreign, 0f));
        }
    }

    @Test
    void transfersOutsideABufferAreRefused() {
        DeviceFloats d = backend.allocFloats(8);
        assertThrows(IndexOutOfBoundsException.class, () -> backend.upload(new float[10], 0, d, 0, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> backend.download(d, 4, new float[8], 0, 5));
    }

    @Test
    void sharedHostArraysAreNotCopiedAndAreReadOnly() {
        float[] host = {1, 2, 3, 4};
        DeviceFloats d = backend.share(host);
        DeviceFloats out = backend.allocFloats(2);
        DeviceInts idx = backend.allocInts(1);
        backend.upload(new int[] {1}, 0, idx, 0, 1);
        host[2] = 30;  // visible through the shared buffer: no copy was made
        backend.gatherRows(d, idx, 0, out, 1, 2);
        assertArrayEquals(new float[] {30, 4}, host(out));
        assertThrows(IllegalArgumentException.class, () -> backend.fill(d, 1f));
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
