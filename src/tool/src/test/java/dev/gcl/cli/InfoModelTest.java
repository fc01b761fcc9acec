package dev.gcl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.model.ModelFiles;
import dev.gcl.model.Provenance;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** model.json's provenance as {@code gcl train} writes it and {@code gcl info --model} prints it. */
class InfoModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path shared;
    static Path run;

    @BeforeAll
    static void train() {
        new SyntheticDatasetGenerator(SyntheticConfig.small(3)).write(shared.resolve("data"));
        run = shared.resolve("run");
        CliTest.Result r = CliTest.run(CliTest.concat(new String[] {"train", "--data",
                shared.resolve("data/dataset.yaml").toString(), "--out", run.toString(), "--no-pictures", "--seed",
                "5", "--threads", "1"}, CliTest.FAST));
        assertEquals(Main.OK, r.code(), r.err());
    }

    @Test
    void trainRecordsHowTheModelWasMadeAsTheRunReportDoes() throws IOException {
        JsonNode model = JSON.readTree(run.resolve("model/model.json").toFile());
        JsonNode report = JSON.readTree(run.resolve("run.json").toFile());
        assertEquals("gcl-pt", model.get("variant").asText());
        assertEquals("5", model.get("config").get("seed").asText());
        assertEquals("reference", model.get("backend").asText());
        assertEquals(report.get("backend").asText(), model.get("backend").asText());
        assertEquals("fp32", model.get("precision").asText());
        assertEquals(1, model.get("threads").asInt());
        assertEquals(report.get("data").get("fingerprint").asText(), model.get("data_fingerprint").asText());
        assertEquals(Provenance.currentLibraryVersion(), model.get("library_version").asText());
        assertTrue(model.has("git_commit"), "git_commit is written, null outside a checkout");
    }

    @Test
    void infoModelPrintsTheProvenance() throws IOException {
        JsonNode model = JSON.readTree(run.resolve("model/model.json").toFile());
        CliTest.Result r = CliTest.run("info", "--model", run.resolve("model").toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(model.get("model_id").asText().matches("sha256:[0-9a-f]{64}"), model.toString());
        for (String line : List.of("model id     " + model.get("model_id").asText(),
                "variant      gcl-pt (seed 5, scores by discriminator)",
                "backend      reference (fp32, 1 thread)",
                "library      gcl " + Provenance.currentLibraryVersion() + ", commit ",
                "data         fingerprint " + model.get("data_fingerprint").asText(),
                "metric       auc_roc ", "config       batch = 128")) {
            assertTrue(r.out().contains(line), "'" + line + "' missing from:\n" + r.out());
        }
    }

    @Test
    void aModelFromBeforeProvenanceLoadsAndSaysUnknown(@TempDir Path tmp) throws IOException {
        Path old = tmp.resolve("old");
        Files.createDirectories(old);
        Files.copy(run.resolve("model/weights.npz"), old.resolve("weights.npz"));
        ObjectNode json = (ObjectNode) JSON.readTree(run.resolve("model/model.json").toFile());
        // model.json as format version 1 was written before provenance: no backend, precision, threads or commit
        json.remove(List.of("backend", "precision", "threads", "git_commit"));
        JSON.writeValue(old.resolve("model.json").toFile(), json);

        Provenance p = ModelFiles.load(old).model().provenance();
        assertNull(p.backend());
        assertNull(p.precision());
        assertNull(p.threads());
        assertNull(p.gitCommit());
        assertEquals(json.get("data_fingerprint").asText(), p.dataFingerprint());
        CliTest.Result r = CliTest.run("info", "--model", old.toString());
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("backend      " + InfoCommand.UNKNOWN), r.out());
    }

    @Test
    void infoOfAMissingModelIsBadInputNamingTheFile(@TempDir Path tmp) {
        CliTest.assertBadInput(CliTest.run("info", "--model", tmp.resolve("nowhere").toString()), "nowhere");
    }
}
