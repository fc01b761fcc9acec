package dev.gcl.backend.reference;

import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The reference backend against the contract, plus what only it promises. */
class ReferenceBackendTest extends HostBackendContractTest {

    @Override
    protected Backend createBackend() {
        return new ReferenceBackend(2);
    }

    @Override
    protected HostBackend createSingleThreaded() {
        return new ReferenceBackend(1);
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
