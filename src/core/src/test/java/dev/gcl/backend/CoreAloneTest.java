package dev.gcl.backend;

import dev.gcl.config.GclConfig;
import dev.gcl.config.ScoreSource;
import dev.gcl.config.Variant;
import dev.gcl.io.InvalidInputException;
import dev.gcl.model.GclModel;
import dev.gcl.model.ScoringArithmetic;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.nn.ScorerProvider;
import dev.gcl.nn.Scorers;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The core on its own, as a scoring-only consumer has it (this module's tests see no other gcl artifact): the
 * reference is the only backend, the pure-Java FP32 scorer is the fast one, and asking for another names the
 * artifact to add.
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

    @Test
    void theJavaScorerIsTheFastestAndGclModelScoresWithIt() {
        assertEquals(List.of("java"), Scorers.providers().stream().map(ScorerProvider::name).toList());
        assertEquals("java", Scorers.fastest().orElseThrow().name());
        int dim = 64;
        GclConfig c = GclConfig.builder().variant(Variant.GCL_PT).build();
        GclModel model = GclModel.of(c,
                NetworkWeights.initialise(c.generatorDims(dim), Activation.IDENTITY, 1, 0),
                NetworkWeights.initialise(c.discriminatorDims(dim), Activation.SIGMOID, 1, 1000), List.of());
        assertEquals("java", model.scorerName());
        assertEquals(ScoringArithmetic.FAST, model.scorer());
        GclModel reference = model.withScorer(ScoringArithmetic.REFERENCE, 1);
        int rows = 100;
        float[] x = new float[rows * dim];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        for (ScoreSource source : new ScoreSource[] {ScoreSource.DISCRIMINATOR, ScoreSource.RECONSTRUCTION}) {
            float[] fast = new float[rows], exact = new float[rows];
            model.score(source, x, rows, fast);
            reference.score(source, x, rows, exact);
            dev.gcl.testing.Validate.close("java scorer by " + source, fast, dev.gcl.testing.Validate.toDouble(exact),
                    1e-5, 1e-4);
        }
    }
}
