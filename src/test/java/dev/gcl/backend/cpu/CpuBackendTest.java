package dev.gcl.backend.cpu;

import dev.gcl.backend.Backend;
import dev.gcl.backend.BackendContractTest;
import dev.gcl.backend.DeviceFloats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The reference backend against the contract, plus what only the CPU backend promises. */
class CpuBackendTest extends BackendContractTest {

    @Override
    protected Backend createBackend() {
        return new CpuBackend(2);
    }

    @Test
    void closeReleasesEveryBuffer() {
        CpuBackend cpu = new CpuBackend(1);
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
        try (CpuBackend other = new CpuBackend(1)) {
            DeviceFloats foreign = other.allocFloats(4);
            assertThrows(IllegalArgumentException.class, () -> backend.fill(foreign, 0f));
        }
    }
}
