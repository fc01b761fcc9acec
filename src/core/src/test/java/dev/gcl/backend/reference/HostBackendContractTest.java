package dev.gcl.backend.reference;

import dev.gcl.backend.BackendContractTest;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The op contract plus what every backend on host memory promises: buffers counted, owned, shared without a copy. */
public abstract class HostBackendContractTest extends BackendContractTest {

    /** A fresh backend of the kind under test, on one thread. */
    protected abstract HostBackend createSingleThreaded();

    @Test
    void closeReleasesEveryBufferAndRefusesLaterUse() {
        HostBackend b = createSingleThreaded();
        b.allocFloats(10);
        DeviceFloats d = b.allocFloats(5);
        b.allocInts(3);
        assertEquals(3, b.liveBuffers());
        b.free(d);
        assertEquals(2, b.liveBuffers());
        b.close();
        assertEquals(0, b.liveBuffers());
        assertThrows(IllegalStateException.class, () -> b.allocFloats(1));
    }

    @Test
    void buffersOfAnotherBackendAreRefused() {
        try (HostBackend other = createSingleThreaded()) {
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
}
