package dev.gcl.backend.reference;

import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendContractTest;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The reference backend against the contract, plus what only the CPU backend promises. */
class ReferenceBackendTest extends BackendContractTest {

    @Override
    protected Backend createBackend() {
        return new ReferenceBackend(2);
    }

    @Test
    void closeReleasesEveryBuffer() {
        ReferenceBackend cpu = new ReferenceBackend(1);
        cpu.allocFloats(10);
        DeviceFloats d = cpu.allocFloats(5);
        cpu.allocInts(3);
        assertEquals(3, cpu.liveBuffers());
        cpu.free(d);
        assertEquals(2, cpu.liveBuffers());
        cpu.close();
        assertEquals(0, cpu.liveBuffers());
        assertThrows(IllegalStateException.class, () -> cpu.allocFloats(1));
    }

    @Test
    void buffersOfAnotherBackendAreRefused() {
        try (ReferenceBackend other = new ReferenceBackend(1)) {
            DeviceFloats foreign = other.allocFloats(4);
            assertThrows(IllegalArgumentException.class, () -> backend.fill(foreign, 0f));
        }
    }

    @Test
    void sharedHostArraysAreNotCopied() {
        float[] host = {1, 2, 3, 4};
        DeviceFloats d = backend.share(host);
        DeviceFloats out = backend.allocFloats(2);
        DeviceInts idx = backend.allocInts(1);
        backend.upload(new int[] {1}, 0, idx, 0, 1);
        host[2] = 30;  // visible through the shared buffer: no copy was made
        backend.gatherRows(d, idx, 0, out, 1, 2);
        assertArrayEquals(new float[] {30, 4}, host(out));
    }

    @Test
    void openingAndClosingAThousandTimesLeavesNoThreadsOrBuffers() {
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 1000; i++) {
            try (ReferenceBackend b = new ReferenceBackend(2)) {
                DeviceFloats a = b.allocFloats(1 << 10);
                b.fill(a, 1f);
                b.denseForward(a, b.allocFloats(64 * 32), b.allocFloats(64), b.allocFloats(32 * 64), 32, 32, 64,
                        dev.gcl.backend.Activation.RELU);  // enough work to start the pool's threads
            }
        }
        // pool threads end shortly after shutdown; allow a moment and a small margin for unrelated JVM threads
        long deadline = System.currentTimeMillis() + 5000;
        while (Thread.activeCount() > threadsBefore + 2 && System.currentTimeMillis() < deadline) Thread.onSpinWait();
        assertTrue(Thread.activeCount() <= threadsBefore + 2,
                "threads before " + threadsBefore + ", after " + Thread.activeCount());
    }
}
