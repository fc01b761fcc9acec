package dev.gcl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** The small-data warning through the tool: gcl synth's suggestion learns without it, the paper's defaults draw it. */
class SmallDataCliTest {
    /**
     * Runs the tool with System.err captured too: the progress reporter writes warnings to the process's stderr
     * (it needs a PrintStream for the progress bar), which Main.run's err argument does not see.
     */
    static CliTest.Result runCapturingStderr(String... args) {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            CliTest.Result r = CliTest.run(args);
            return new CliTest.Result(r.code(), r.out(), r.err() + captured.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }

    static final Pattern SUGGESTION = Pattern.compile("train with: gcl train (.*)$", Pattern.MULTILINE);

    @Test
    void synthSmallSuggestsACommandThatDoesNotWarnAndThePaperDefaultsWarn(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("small");
        CliTest.Result synth = CliTest.run("synth", "--preset", "small", "--out", data.toString());
        assertEquals(Main.OK, synth.code(), synth.err());
        Matcher m = SUGGESTION.matcher(synth.out().strip());
        assertTrue(m.find(), synth.out());
        List<String> suggested = new ArrayList<>(Arrays.asList(m.group(1).split(" ")));
        assertTrue(suggested.containsAll(List.of("--batch", "16", "--lr", "3e-3")), suggested.toString());

        // the paper's defaults (epochs shortened for the test: the warning depends on the batch, not the epochs)
        Path paper = tmp.resolve("paper");
        CliTest.Result r = runCapturingStderr("train", "--data", data.resolve("dataset.yaml").toString(), "--out", paper.toString(),
                "--quiet", "--no-pictures", "--epochs", "1", "--pretrain-epochs", "1", "--backend", "cpu",
                "--g-hidden", "16,8,16", "--d-hidden", "8");
        assertEquals(Main.OK, r.code(), r.err());
        List<String> warnings = r.err().lines().filter(l -> l.startsWith("warning: small data")).toList();
        assertEquals(1, warnings.size(), r.err());
        assertTrue(warnings.get(0).contains("at batch 8192 give 1 iteration per epoch"), warnings.get(0));
        JsonNode report = new ObjectMapper().readTree(paper.resolve("run.json").toFile());
        assertEquals(1, report.get("warnings").size(), report.toString());
        assertTrue(report.get("warnings").get(0).asText().startsWith("small data:"), report.get("warnings").toString());

        // the suggested command, as printed (epochs shortened likewise)
        List<String> args = new ArrayList<>(suggested);
        args.addAll(List.of("--out", tmp.resolve("suggested").toString(), "--quiet", "--no-pictures", "--epochs", "1",
                "--pretrain-epochs", "1", "--backend", "cpu"));
        args.add(0, "train");
        CliTest.Result s = runCapturingStderr(args.toArray(String[]::new));
        assertEquals(Main.OK, s.code(), s.err());
        assertFalse(s.err().contains("small data"), s.err());
        JsonNode sr = new ObjectMapper().readTree(tmp.resolve("suggested/run.json").toFile());
        assertEquals(0, sr.get("warnings").size());
    }

    @Test
    void aSweepShowsTheWarningOnceAndEveryRunRecordsIt(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("small");
        assertEquals(Main.OK, CliTest.run("synth", "--preset", "small", "--out", data.toString()).code());
        CliTest.Result r = runCapturingStderr("sweep", "--data", data.resolve("dataset.yaml").toString(), "--out",
                tmp.resolve("sweep").toString(), "--seeds", "0-1", "--variants", "gcl-b", "--epochs", "1",
                "--pretrain-epochs", "0", "--g-hidden", "16,8,16", "--d-hidden", "8", "--backend", "cpu");
        assertEquals(Main.OK, r.code(), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("warning: small data")).count(), r.err());
        try (var runs = java.nio.file.Files.list(tmp.resolve("sweep/runs"))) {
            List<Path> dirs = runs.toList();
            assertEquals(2, dirs.size());
            for (Path d : dirs) {
                JsonNode report = new ObjectMapper().readTree(d.resolve("run.json").toFile());
                assertEquals(1, report.get("warnings").size(), d + ": " + report.get("warnings"));
            }
        }
    }
}
