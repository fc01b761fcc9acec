package dev.gcl.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gcl.Gcl;
import dev.gcl.config.Variant;
import dev.gcl.io.DataFormatException;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import dev.gcl.testing.SmallRuns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Model loading ({@link ModelFiles#load}): a fuzzed model.json beside valid weights, and the other way round. */
class ModelFuzzTest {
    private static final FuzzFiles FILES = new FuzzFiles("model");
    private static final byte[] MODEL_JSON, WEIGHTS;

    static {
        GclModel model = new Gcl(SmallRuns.fastConfig().variant(Variant.GCL_PT).build()).withReferenceBackend()
                .fit(SmallRuns.tinyVideos(2).data());
        Path valid = FILES.dir().resolve("valid");
        ModelFiles.save(model, new ModelFiles.Metadata("fuzz", "now", "0", Map.of()), valid, false);
        try {
            MODEL_JSON = Files.readAllBytes(valid.resolve(ModelFiles.MODEL_JSON));
            WEIGHTS = Files.readAllBytes(valid.resolve(ModelFiles.WEIGHTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void modelJson(byte[] bytes) {
        load(bytes, WEIGHTS);
    }

    @FuzzTest(maxDuration = "2m")
    void weightsNpz(byte[] bytes) {
        load(MODEL_JSON, bytes);
    }

    private static void load(byte[] json, byte[] weights) {
        Path dir = FILES.write("m/" + ModelFiles.MODEL_JSON, json).getParent();
        FILES.write("m/" + ModelFiles.WEIGHTS, weights);
        try {
            GclModel m = ModelFiles.load(dir).model();
            assertEquals(m.dim(), m.generator().dims()[0], "G reads D features");
            m.score(new float[m.dim()], 1);
        } catch (DataFormatException expected) {
            // refused, naming the file
        }
    }
}
