package dev.gcl.backend;

import dev.gcl.backend.blas.BlasProbe;
import dev.gcl.backend.cuda.CudaProbe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Backend names: the reference stays the reference ("cpu" is its alias), auto prefers cuda, then blas. */
class BackendsTest {

    @Test
    void cpuIsAnAliasOfTheReference() {
        try (Backend a = Backends.create("cpu", 1); Backend b = Backends.create("reference", 1)) {
            assertEquals("reference", a.name());
            assertEquals("reference", b.name());
            assertInstanceOf(dev.gcl.backend.reference.ReferenceBackend.class, a);
        }
        assertEquals("reference", Backends.canonical("cpu"));
        assertEquals("blas", Backends.canonical("blas"));
    }

    @Test
    void autoPrefersCudaThenBlasThenTheReference() {
        Backends.Auto auto = Backends.auto();
        String expected = CudaProbe.get().available() ? "cuda" : BlasProbe.get().available() ? "blas" : "reference";
        assertEquals(expected, auto.kind(), auto.why());
        assertFalse(auto.why().isBlank());
        try (Backend b = Backends.create("auto", 1)) {
            assertEquals(expected, b.name());
        }
    }

    @Test
    void blasIsCreatedByNameAndRefusesTf32() {
        BlasProbe probe = BlasProbe.get();
        Assumptions.assumeTrue(probe.available(), probe.reason());
        try (Backend b = Backends.create("blas", 2)) {
            assertEquals("blas", b.name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backends.create("blas", 1, Precision.TF32));
        assertTrue(e.getMessage().contains("needs the cuda backend"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.create("reference", 1, Precision.TF32));
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.create("gpu", 1));
        assertTrue(e.getMessage().contains(Backends.NAMES), e.getMessage());
    }
}
