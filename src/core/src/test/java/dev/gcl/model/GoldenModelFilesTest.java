package dev.gcl.model;

import dev.gcl.config.ScoreSource;
import dev.gcl.config.Variant;
import dev.gcl.io.NpyFloats;
import dev.gcl.io.NpyReader;
import dev.gcl.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Model files stay readable: the committed format-1 models (src/test/data/models/format-1, made by gcl before
 * model ids existed; its README says how) load with every later gcl and score their rows exactly as recorded then
 * by the reference scorer (and within the fast scorer's bound by the default one); their model ids, computed on
 * load since the files have none, are the recorded ones and survive a save and load.
 */
class GoldenModelFilesTest {
    private static final Path FORMAT_1 = TestData.ROOT.resolve("models/format-1");

    @Test
    void formatOneModelsLoadAndScoreAsRecorded() {
        float[] rows = NpyReader.read(FORMAT_1.resolve("rows.npy")).data();
        check("gcl-pt", ScoreSource.DISCRIMINATOR, "gcl-pt-scores-d.npy", rows);
        check("gcl-pt", ScoreSource.RECONSTRUCTION, "gcl-pt-scores-reconstruction.npy", rows);
        check("ae-all", ScoreSource.AUTO, "ae-all-scores-reconstruction.npy", rows);
    }

    private static void check(String name, ScoreSource source, String recorded, float[] rows) {
        ModelFiles.Loaded loaded = ModelFiles.load(FORMAT_1.resolve(name));
        GclModel model = loaded.model();
        assertEquals(8, model.dim());
        assertEquals(name.equals("gcl-pt") ? Variant.GCL_PT : Variant.AE_ALL, model.variant());
        assertEquals("reference", model.provenance().backend());
        NpyFloats expected = NpyReader.read(FORMAT_1.resolve(recorded));
        int n = (int) expected.shape()[0];
        float[] exact = new float[n];
        model.withScorer(ScoringArithmetic.REFERENCE, 1).score(source, rows, n, exact);
        assertArrayEquals(expected.data(), exact, name + " by " + source + ": the reference scorer is exact");
        float[] byDefault = new float[n];
        model.score(source, rows, n, byDefault);
        for (int i = 0; i < n; i++) {
            assertEquals(expected.data()[i], byDefault[i], 1e-5 + 1e-4 * Math.abs(expected.data()[i]),
                    name + " by " + source + " (" + model.scorer().cliName() + " scorer), row " + i);
        }
    }

    @Test
    void theirModelIdsAreTheRecordedOnesComputedOnLoad() throws IOException {
        Map<String, String> ids = new HashMap<>();
        for (String line : Files.readAllLines(FORMAT_1.resolve("model-ids.txt"))) {
            String[] f = line.split(" ");
            ids.put(f[0], f[1]);
        }
        assertEquals(2, ids.size());
        for (var e : ids.entrySet()) {
            Path dir = FORMAT_1.resolve(e.getKey());
            assertFalse(Files.readString(dir.resolve(ModelFiles.MODEL_JSON)).contains(ModelFiles.MODEL_ID),
                    "the golden files predate model ids");
            assertEquals(e.getValue(), ModelFiles.load(dir).model().modelId(), e.getKey());
        }
    }

    @Test
    void aResavedGoldenModelRecordsItsIdAndLoadsToTheSameScores(@TempDir Path tmp) throws IOException {
        ModelFiles.Loaded old = ModelFiles.load(FORMAT_1.resolve("gcl-pt"));
        Path copy = tmp.resolve("copy");
        ModelFiles.save(old.model(), old.metadata(), copy, false);
        assertTrue(Files.readString(copy.resolve(ModelFiles.MODEL_JSON))
                .contains("\"model_id\" : \"" + old.model().modelId() + "\""));
        GclModel back = ModelFiles.load(copy).model();
        assertEquals(old.model().modelId(), back.modelId());
        float[] rows = NpyReader.read(FORMAT_1.resolve("rows.npy")).data();
        assertArrayEquals(old.model().withScorer(ScoringArithmetic.REFERENCE, 1).score(rows, 60),
                back.withScorer(ScoringArithmetic.REFERENCE, 1).score(rows, 60));
    }
}
