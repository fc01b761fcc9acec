package dev.gcl.backend;

import dev.gcl.io.InvalidInputException;
import dev.gcl.nn.Scorers;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The core on its own, as a scoring-only consumer has it (this module's tests see no other gcl artifact): the
 * reference is the only backend, and asking for another names the artifact to add.
 */
class CoreAloneTest {
    @Test
    void theReferenceIsTheOnlyBackendAndAutoPicksIt() {
        assertEquals(List.of("reference"), Backends.providers().stream().map(BackendProvider::name).toList());
        try (Backend b = Backends.create("auto", 1)) {
            assertEquals("reference", b.name());
        }
    }

    @Test
    void aBackendOfAnAbsentArtifactNamesTheArtifact() {
        for (String name : List.of("blas", "cuda")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Backends.create(name, 1));
            assertTrue(e.getMessage().contains("dev.gcl:gcl-" + name), e.getMessage());
            assertTrue(e.getMessage().contains("not on the class path"), e.getMessage());
        }
        InvalidInputException unknown = assertThrows(InvalidInputException.class, () -> Backends.create("tpu", 1));
        assertTrue(unknown.getMessage().startsWith("unknown backend 'tpu'"), unknown.getMessage());
    }

    @Test
    void theOpenBlasScorerNamesItsArtifact() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Scorers.provider("blas"));
        assertTrue(e.getMessage().contains("dev.gcl:gcl-blas"), e.getMessage());
        assertTrue(Scorers.providers().stream().noneMatch(p -> p.name().equals("blas")));
    }
}
