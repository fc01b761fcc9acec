package dev.gcl.backend.cuda;

import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendContractTest;
import dev.gcl.verify.ParityTolerances;
import dev.gcl.backend.DeviceFloats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The CUDA backend against the op contract (skipped, with the probe's reason, where no GPU is usable). */
class CudaBackendTest extends BackendContractTest {

    @Override
    protected Backend createBackend() {
        return CudaTesting.backendOrSkip();
    }

    @Override
    protected double tolerance(String op) {
        return ParityTolerances.contract(op);
    }

    @Test
    void closeFreesEveryBufferAndRefusesLaterUse() {
        CudaBackend cuda = (CudaBackend) backend;
        DeviceFloats d = cuda.allocFloats(10);
        cuda.allocInts(3);
        assertEquals(2, cuda.liveBuffers());
        cuda.free(d);
        assertEquals(1, cuda.liveBuffers());
        cuda.close();
        assertEquals(0, cuda.liveBuffers());
        assertThrows(IllegalStateException.class, () -> cuda.allocFloats(1));
    }

    @Test
    void backendsTrainingOnTheSameRowsShareOneCopyOnTheDevice() {
        CudaBackend cuda = (CudaBackend) backend;
        CudaRuntime runtime = CudaProbe.get().runtime();
        int before = runtime.residentSets();
        float[] src = dev.gcl.testing.TestArrays.uniform(6 * 5, -1, 1, 15, 0);
        dev.gcl.io.FeatureRows rows = new dev.gcl.io.HeapFeatureRows(src, 6, 5);
        try (CudaBackend other = new CudaBackend()) {
            DeviceFloats mine = cuda.residentRows(rows), theirs = other.residentRows(rows);
            assertEquals(before + 1, runtime.residentSets(), "one copy for both backends");
            other.free(theirs);
            float[] got = new float[src.length];
            cuda.download(mine, 0, got, 0, got.length);
            assertArrayEquals(src, got, "still there for the backend that holds it");
            DeviceFloats again = other.residentRows(rows);
            assertEquals(before + 1, runtime.residentSets());
            cuda.free(mine);
            other.free(again);
            assertEquals(before, runtime.residentSets(), "the last user frees the copy");
        }
    }

    @Test
    void buffersOfAnotherBackendAreRefused() {
        try (CudaBackend other = new CudaBackend()) {
            DeviceFloats foreign = other.allocFloats(4);
            assertThrows(IllegalArgumentException.class, () -> backend.fill(foreign, 0f));
        }
    }

    @Test
    void transfersOutsideABufferAreRefusedBeforeTouchingTheDevice() {
        DeviceFloats d = backend.allocFloats(8);
        assertThrows(IndexOutOfBoundsException.class, () -> backend.upload(new float[10], 0, d, 0, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> backend.download(d, 4, new float[8], 0, 5));
    }

    @Test
    void opsWorkFromAnotherThread() throws Exception {
        DeviceFloats d = backend.allocFloats(5);
        Thread t = new Thread(() -> backend.fill(d, 3f));
        t.start();
        t.join();
        float[] got = new float[5];
        backend.download(d, 0, got, 0, 5);
        assertArrayEquals(new float[] {3, 3, 3, 3, 3}, got, "the context is made current on every thread");
    }
}
