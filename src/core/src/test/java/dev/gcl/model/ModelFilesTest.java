package dev.gcl.model;

import dev.gcl.Gcl;
import dev.gcl.backend.Activation;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.config.Variant;
import dev.gcl.io.DataFormatException;
import dev.gcl.model.GclModel;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class ModelFilesTest {
    private static final GclModel MODEL =
            new Gcl(SmallRuns.fastConfig().variant(Variant.GCL_PT).build()).withReferenceBackend()
                    .fit(SmallRuns.tinyVideos(2).data());
    private static final ModelFiles.Metadata META =
            new ModelFiles.Metadata("test", "2026-11-29T00:00:00Z", "abc123", Map.of("auc_roc", 0.75));

    @Test
    void roundTripIsBitIdentical(@TempDir Path dir) {
        Path m = dir.resolve("model");
        ModelFiles.save(MODEL, META, m, false);
        ModelFiles.Loaded back = ModelFiles.load(m);
        assertTrue(MODEL.generator().bitEquals(back.model().generator()));
        assertTrue(MODEL.discriminator().bitEquals(back.model().discriminator()));
        assertEquals(MODEL.config(), back.model().config());
        assertEquals(MODEL.history().size(), back.model().history().size());
        assertEquals(MODEL.history().get(3).meanGeneratorLoss(), back.model().history().get(3).meanGeneratorLoss());
        assertEquals("abc123", back.metadata().dataFingerprint());
        assertEquals(0.75, back.metadata().metrics().get("auc_roc"));
        float[] x = SmallRuns.tinyVideos(2).data().features();
        assertArrayEquals(MODEL.score(x, 50), back.model().score(x, 50));
    }

    @Test
    void arraysAreNamedLikeAPyTorchSequential(@TempDir Path dir) throws IOException {
        ModelFiles.save(MODEL, META, dir.resolve("m"), false);
        try (ZipFile z = new ZipFile(dir.resolve("m/weights.npz").toFile())) {
            for (String name : new String[] {"G.0.weight", "G.0.bias", "G.10.weight", "G.10.bias", "D.0.weight",
                    "D.4.bias"}) {
                assertNotNull(z.getEntry(name + ".npy"), name);
            }
            assertNull(z.getEntry("G.12.weight.npy"));
            assertNull(z.getEntry("D.6.weight.npy"));
        }
    }

    @Test
    void anExistingDirectoryIsReplacedOnlyWhenAsked(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("model");
        ModelFiles.save(MODEL, META, m, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelFiles.save(MODEL, META, m, false));
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        ModelFiles.save(MODEL, new ModelFiles.Metadata("test", "later", "def", Map.of()), m, true);
        assertEquals("def", ModelFiles.load(m).metadata().dataFingerprint());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary or old directory is left behind");
        }
    }

    @Test
    void theModelIdIsWrittenAndNamesTheWeightsOnly(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("m");
        ModelFiles.save(MODEL, META, m, false);
        String json = Files.readString(m.resolve("model.json"));
        assertTrue(MODEL.modelId().matches("sha256:[0-9a-f]{64}"), MODEL.modelId());
        assertTrue(json.contains("\"model_id\" : \"" + MODEL.modelId() + "\""), json);
        assertEquals(MODEL.modelId(), ModelFiles.load(m).model().modelId());
        // the same weights with another config, history and metadata: the same id; other weights: another
        GclModel same = GclModel.of(MODEL.config().toBuilder().seed(99).build(), MODEL.generator(),
                MODEL.discriminator(), java.util.List.of());
        assertEquals(MODEL.modelId(), same.modelId());
        assertNotEquals(MODEL.modelId(), other().modelId());
        GclModel withoutD = GclModel.of(MODEL.config().toBuilder().variant(Variant.AE_ALL).build(), MODEL.generator(),
                null, java.util.List.of());
        assertNotEquals(MODEL.modelId(), withoutD.modelId(), "D's weights count");
    }

    /** MODEL's networks with PyTorch's initial weights: the same shapes, other values. */
    private static GclModel other() {
        return GclModel.of(MODEL.config(),
                NetworkWeights.initialise(MODEL.generator().dims(), Activation.IDENTITY, 5, 0),
                NetworkWeights.initialise(MODEL.discriminator().dims(), Activation.SIGMOID, 5, 100), java.util.List.of());
    }

    @Test
    void weightsThatAreNotTheRecordedModelsAreRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("m"), o = dir.resolve("o");
        ModelFiles.save(MODEL, META, m, false);
        ModelFiles.save(other(), META, o, false);
        Files.copy(o.resolve("weights.npz"), m.resolve("weights.npz"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(m, "model.json", "does not match the weights in weights.npz (" + other().modelId() + ")");
        Path json = o.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"model_id\" : \"sha256:", "\"model_id\" : \"sha1:"));
        assertRefused(o, "model.json", "\"model_id\" \"sha1:");
    }

    @Test
    void aModelJsonWithoutModelIdLoadsAndComputesIt(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("m");
        ModelFiles.save(MODEL, META, m, false);
        Path json = m.resolve("model.json");
        Files.writeString(json, Files.readString(json).replaceFirst("\\s*\"model_id\" : \"sha256:[0-9a-f]+\",", ""));
        assertFalse(Files.readString(json).contains("model_id"));
        assertEquals(MODEL.modelId(), ModelFiles.load(m).model().modelId());
    }

    private static void assertRefused(Path model, String fileName, String cause) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> ModelFiles.load(model));
        assertTrue(e.getMessage().contains(fileName), e.getMessage());
        assertTrue(e.getMessage().contains(cause), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aNewerFormatVersionIsRefusedSayingSo(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("m");
        ModelFiles.save(MODEL, META, m, false);
        Path json = m.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"format_version\" : 1", "\"format_version\" : 2"));
        assertRefused(m, "model.json", "format version 2 was written by a newer gcl");
    }

    @Test
    void aMissingOrMisshapenArrayIsRefused(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("m");
        ModelFiles.save(MODEL, META, m, false);
        Path npz = m.resolve("weights.npz");
        Path copy = dir.resolve("copy.npz");
        try (ZipFile in = new ZipFile(npz.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                if (e.getName().equals("D.2.bias.npy")) continue;
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(in.getInputStream(e).readAllBytes());
                out.closeEntry();
            }
        }
        Files.move(copy, npz, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRefused(m, "weights.npz", "array 'D.2.bias' is missing");

        ModelFiles.save(MODEL, META, m, true);
        Path json = m.resolve("model.json");
        Files.writeString(json, Files.readString(json).replace("\"g-hidden\" : \"16,8,4,8,16\"",
                "\"g-hidden\" : \"16,8,5,8,16\""));
        assertRefused(m, "model.json", "disagree with the config");
    }

    @Test
    void missingFilesAndBrokenJsonAreNamed(@TempDir Path dir) throws IOException {
        assertRefused(dir.resolve("nothing"), "nothing", "not a model directory");
        Path m = dir.resolve("m");
        ModelFiles.save(MODEL, META, m, false);
        Files.writeString(m.resolve("model.json"), "{ not json");
        assertRefused(m, "model.json", "not valid JSON");
        Files.delete(m.resolve("weights.npz"));
        assertRefused(m, "weights.npz", "missing");
    }
}
