package dev.gcl.export;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gcl.backend.Activation;
import dev.gcl.cli.CliTest;
import dev.gcl.config.GclConfig;
import dev.gcl.config.ScoreSource;
import dev.gcl.config.Variant;
import dev.gcl.io.NpyReader;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import dev.gcl.model.ScoringArithmetic;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.testing.TestData;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The outside check of {@link OnnxExport}: ONNX Runtime (Java, 1.23.2) loads every exported file and scores the
 * same rows as gcl's reference scorer, within 1e-5 + 1e-4·|score|, for small random networks and the paper's
 * networks at D = 2048, by D and by reconstruction, in batches of 1, 7 and 300 rows; the graph's input and output
 * and the metadata are what docs/java-api.md says. Skips, with the reason, only where ONNX Runtime's natives do not
 * load.
 */
class OnnxRuntimeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelFiles.Metadata NO_METADATA = new ModelFiles.Metadata(null, null, null, Map.of());
    private static OrtEnvironment env;

    @TempDir
    static Path dir;

    @BeforeAll
    static void loadOnnxRuntime() {
        try {
            env = OrtEnvironment.getEnvironment();
        } catch (Throwable t) {   // UnsatisfiedLinkError, or an IllegalStateException wrapping it
            Assumptions.assumeTrue(false, "ONNX Runtime's natives do not load here: " + t);
        }
    }

    /** gcl-b models (G and D) from PyTorch's initialisation: small, and the paper's networks at D = 2048. */
    static GclModel model(String size, Variant variant) {
        return ExportModels.model(size, variant);
    }

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of("small", ScoreSource.DISCRIMINATOR),
                Arguments.of("small", ScoreSource.RECONSTRUCTION),
                Arguments.of("paper", ScoreSource.DISCRIMINATOR),
                Arguments.of("paper", ScoreSource.RECONSTRUCTION));
    }

    @ParameterizedTest(name = "{0} networks, by {1}")
    @MethodSource("cases")
    void onnxRuntimeScoresAsGclDoes(String size, ScoreSource source) throws Exception {
        GclModel model = model(size, Variant.GCL_B);
        Path file = dir.resolve(size + "-" + source + ".onnx");
        OnnxExport.write(new ModelFiles.Loaded(model, NO_METADATA), source, file, false);
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertGraphSignature(session, model.dim());
            Map<String, String> meta = session.getMetadata().getCustomMetadata();
            assertEquals(source.name().toLowerCase(), meta.get("score_source"));
            assertEquals(model.modelId(), meta.get("model_id"));
            Random rnd = new Random(size.length() * 31L + source.ordinal());
            for (int rows : new int[] {1, 7, 300}) {
                float[] x = new float[rows * model.dim()];
                for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 1.5);
                float[] expected = new float[rows];
                model.score(source, x, rows, expected);
                assertClose(expected, run(session, x, rows, model.dim()), size + " by " + source + ", " + rows + " rows");
            }
        }
    }

    @Test
    void aModelWithoutDExportsItsReconstructionScore() throws Exception {
        GclModel model = model("small", Variant.AE_ALL);
        Path file = dir.resolve("ae-all.onnx");
        OnnxExport.write(model, file, false);
        try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertGraphSignature(session, model.dim());
            assertEquals("reconstruction", session.getMetadata().getCustomMetadata().get("score_source"));
            float[] x = new float[7 * model.dim()];
            Random rnd = new Random(3);
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            assertClose(model.score(x, 7), run(session, x, 7, model.dim()), "ae-all");
        }
    }

    /** The committed format-1 models through `gcl export`: ONNX Runtime gives the scores recorded for them. */
    @Test
    void theGoldenModelsExportedByTheToolScoreAsRecorded() throws Exception {
        Path golden = TestData.ROOT.resolve("models/format-1");
        float[] rows = NpyReader.read(golden.resolve("rows.npy")).data();
        for (String[] c : new String[][] {{"gcl-pt", "d"}, {"gcl-pt", "reconstruction"}, {"ae-all", "auto"}}) {
            Path file = dir.resolve("golden-" + c[0] + "-" + c[1] + ".onnx");
            CliTest.Result r = CliTest.run("export", "--model", golden.resolve(c[0]).toString(), "--format", "onnx",
                    "--score-by", c[1], "--out", file.toString());
            assertEquals(0, r.code(), r.err());
            String recorded = c[0] + "-scores-" + (c[1].equals("auto") ? "reconstruction" : c[1]) + ".npy";
            float[] expected = NpyReader.read(golden.resolve(recorded)).data();
            ModelFiles.Loaded loaded = ModelFiles.load(golden.resolve(c[0]));
            try (OrtSession session = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
                OnnxModelMetadata meta = session.getMetadata();
                assertMetadata(meta, loaded);
                assertClose(expected, run(session, rows, expected.length, 8), c[0] + " by " + c[1]);
            }
        }
    }

    private static void assertMetadata(OnnxModelMetadata meta, ModelFiles.Loaded loaded) throws IOException {
        GclModel m = loaded.model();
        assertEquals("gcl", meta.getProducerName());
        assertEquals("dev.gcl", meta.getDomain());
        assertEquals("gcl_score", meta.getGraphName());
        assertEquals(OnnxExport.EXPORT_VERSION, meta.getVersion());
        assertTrue(meta.getDescription().contains(m.modelId()), meta.getDescription());
        Map<String, String> props = meta.getCustomMetadata();
        assertEquals(m.modelId(), props.get("model_id"));
        assertEquals(m.variant().cliName(), props.get("variant"));
        assertEquals(Integer.toString(m.dim()), props.get("dim"));
        assertEquals(Long.toString(m.seed()), props.get("seed"));
        assertEquals("features", props.get("input"));
        assertEquals("score", props.get("output"));
        assertEquals(m.provenance().backend(), props.get("backend"));
        assertEquals(m.provenance().precision(), props.get("precision"));
        assertEquals(String.valueOf(m.provenance().threads()), props.get("threads"));
        assertEquals(m.provenance().gitCommit(), props.get("git_commit"));
        assertEquals(m.provenance().dataFingerprint(), props.get("data_fingerprint"));
        assertEquals(m.provenance().libraryVersion(), props.get("library_version"));
        assertEquals("1", props.get("format_version"));
        JsonNode json = JSON.readTree(props.get("model_json"));
        assertEquals("gcl-model", json.get("format").asText());
        assertEquals(m.modelId(), json.get("model_id").asText());
        assertEquals(loaded.metadata().created(), json.get("created").asText());
        assertEquals(m.seed(), json.get("seed").asLong());
        assertTrue(json.get("history").size() > 0, "the history travels with model.json");
    }

    private static void assertGraphSignature(OrtSession session, int dim) throws OrtException {
        assertEquals(List.of("features"), List.copyOf(session.getInputNames()));
        assertEquals(List.of("score"), List.copyOf(session.getOutputNames()));
        NodeInfo in = session.getInputInfo().get("features"), out = session.getOutputInfo().get("score");
        TensorInfo ti = (TensorInfo) in.getInfo(), to = (TensorInfo) out.getInfo();
        assertEquals(OnnxJavaType.FLOAT, ti.type);
        assertEquals(OnnxJavaType.FLOAT, to.type);
        assertArrayEquals(new long[] {-1, dim}, ti.getShape(), "features [batch, D], the batch dynamic");
        assertArrayEquals(new long[] {-1}, to.getShape(), "score [batch]");
        assertEquals("batch", ti.getDimensionNames()[0]);
        assertEquals("batch", to.getDimensionNames()[0]);
    }

    private static float[] run(OrtSession session, float[] x, int rows, int dim) throws OrtException {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, rows * dim), new long[] {rows, dim});
             OrtSession.Result r = session.run(Map.of("features", t))) {
            float[] s = (float[]) r.get(0).getValue();
            assertEquals(rows, s.length);
            return s;
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double bound = 1e-5 + 1e-4 * Math.abs(expected[i]);
            assertTrue(Math.abs(actual[i] - expected[i]) <= bound, what + ": row " + i + ": ONNX Runtime "
                    + actual[i] + ", gcl " + expected[i] + " (bound " + bound + ")");
        }
    }
}
