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

    @Test
    void autosOrderIsThePrioritiesNotTheClassPath() {
        var ps = Backends.providers();
        for (int i = 1; i < ps.size(); i++) assertTrue(ps.get(i - 1).priority() > ps.get(i).priority(), ps.toString());
        assertEquals(0, Backends.reference().priority());
        // each backend's registration file is in its own jar: none lists another's provider
        java.util.List<String> files = new java.util.ArrayList<>();
        try {
            var urls = Backends.class.getClassLoader().getResources("META-INF/services/" + BackendProvider.class.getName());
            while (urls.hasMoreElements()) files.add(new String(urls.nextElement().openStream().readAllBytes()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(3, files.size(), files.toString());
        for (String f : files) {
            assertEquals(1, f.lines().filter(l -> l.startsWith("dev.gcl.")).count(), "one provider per file: " + f);
        }
    }

    @Test
    void theRegistryHoldsEachBackendOnceInAutosOrder() {
        assertEquals(java.util.List.of("cuda", "blas", "reference"),
                Backends.providers().stream().map(BackendProvider::name).toList());
        assertEquals("auto, reference (alias cpu), blas or cuda", Backends.NAMES);
        assertEquals("reference", Backends.reference().name());
        assertSame(Backends.reference(), Backends.find("cpu").orElseThrow());
        assertTrue(Backends.find("auto").isEmpty());
        assertEquals("cuda", Backends.supporting(Precision.TF32));
        assertEquals("cuda, blas or reference", Backends.names(p -> true));
        assertEquals("blas (OpenBLAS FP32 GEMMs, 2 threads)", Backends.describe("blas", 2));
        assertEquals("reference (the CPU reference, double sums, 3 threads)", Backends.describe("cpu", 3));
        assertEquals("cuda", Backends.describe("cuda", 2));
        assertFalse(Backends.provider("cuda").usesCpuThreads());
    }

    @Test
    void aPrecisionTheBackendLacksIsTheUsersInput() {
        dev.gcl.io.InvalidInputException e = assertThrows(dev.gcl.io.InvalidInputException.class,
                () -> Backends.create("reference", 1, Precision.TF32));
        assertEquals("precision tf32 needs the cuda backend: the reference backend computes in fp32 with double sums"
                + " only", e.getMessage());
        assertThrows(dev.gcl.io.InvalidInputException.class, () -> Backends.create("gpu", 1));
    }
}
