package dev.gcl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gcl.model.ModelFiles;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The gcl tool end to end, through {@link Main#run}: exit codes, outputs, and that bad input writes nothing. Public
 * for {@link #run}, the one way every test package runs the tool.
 */
public class CliTest {
    @TempDir
    static Path shared;
    static Path dataset;
    /** Fast settings for the small generated dataset. */
    static final String[] FAST = {"--quiet", "--epochs", "2", "--pretrain-epochs", "2", "--batch", "128", "--lr", "1e-3",
            "--g-hidden", "32,16,32", "--d-hidden", "16", "--cleaning", "quantile", "--backend", "cpu"};

    public record Result(int code, String out, String err) {}

    public static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs the CLI with the process's stdout (where progress lines go) appended to progress. */
    static Result runCapturingProgress(StringBuilder progress, String... args) {
        PrintStream before = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            return run(args);
        } finally {
            System.setOut(before);
            progress.append(captured.toString(StandardCharsets.UTF_8));
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @BeforeAll
    static void generate() {
        new SyntheticDatasetGenerator(SyntheticConfig.small(3)).write(shared.resolve("data"));
        dataset = shared.resolve("data/dataset.yaml");
    }

    static void assertBadInput(Result r, String... mentions) {
        assertEquals(Main.BAD_INPUT, r.code(), r.err());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), "one line on stderr: " + r.err());
        assertFalse(line.contains("\tat "), "no stack trace: " + r.err());
        for (String m : mentions) assertTrue(line.contains(m), "stderr should mention '" + m + "': " + line);
    }

    @Test
    void infoReportsBackendsAndWhy() {
        Result r = run("info");
        assertEquals(Main.OK, r.code());
        assertTrue(r.out().contains("backend  reference (alias cpu): available"), r.out());
        assertTrue(r.out().contains("backend  blas: "), r.out());
        assertTrue(r.out().contains("backend  cuda: "), r.out());
        assertTrue(r.out().contains("backend  auto: " + dev.gcl.backend.Backends.auto().kind()), r.out());
        if (dev.gcl.backend.blas.BlasProbe.get().available()) {
            assertTrue(r.out().contains("backend  blas: available: OpenBLAS"), r.out());
        }
        assertTrue(r.out().contains("cores"), r.out());
    }

    @Test
    void trainWithoutABackendOptionUsesAutoAndSaysWhich(@TempDir Path tmp) throws IOException {
        String[] args = concat(new String[] {"train", "--data", dataset.toString(), "--out", tmp.resolve("run").toString(),
                "--no-pictures"}, java.util.Arrays.copyOfRange(FAST, 1, FAST.length - 2));
        StringBuilder progress = new StringBuilder();
        Result r = runCapturingProgress(progress, args);
        assertEquals(Main.OK, r.code(), r.err());
        String expected = dev.gcl.backend.Backends.auto().kind();
        String said = progress.toString();
        assertTrue(said.contains("backend auto: using " + expected), said);
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("run/run.json").toFile());
        assertEquals(expected, report.get("backend").asText());
        assertEquals("fp32", report.get("precision").asText());
        if (!expected.equals("cuda")) {
            // no --threads: by the run's shape (these tiny networks: one thread), said and recorded
            int cores = Runtime.getRuntime().availableProcessors();
            assertTrue(said.contains("up to " + cores + " threads by the run's shape)"), said);
            assertTrue(said.contains("threads by shape: 1 of " + cores + " core"), said);
            assertEquals(1, report.get("threads").asInt());
        }
    }

    @Test
    void threadsGivenAreKeptWhateverTheShape(@TempDir Path tmp) throws IOException {
        // without --quiet, so that a note about threads would be seen
        String[] args = concat(new String[] {"train", "--data", dataset.toString(), "--out", tmp.resolve("run").toString(),
                "--no-pictures", "--threads", "2"}, java.util.Arrays.copyOfRange(FAST, 1, FAST.length));
        StringBuilder progress = new StringBuilder();
        Result r = runCapturingProgress(progress, args);
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(progress.toString().contains("epoch"), progress.toString());  // the progress was captured
        assertFalse(progress.toString().contains("threads by shape"), progress.toString());
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("run/run.json").toFile());
        assertEquals(2, report.get("threads").asInt());
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertBadInput(run("frobnicate"), "frobnicate");
        assertBadInput(run("train", "--no-such-option"), "--no-such-option");
        assertBadInput(run("eval", "--data", "x.yaml"), "--model", "--scores");
    }

    @Test
    void trainWritesModelRunReportAndPictures(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        Result r = run(reorder("train", FAST, "--data", dataset.toString(), "--out", out.toString(), "--seed", "4"));
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("gcl-pt: frame ROC AUC "), r.out());
        JsonNode report = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        for (String field : List.of("variant", "seed", "backend", "auc_roc", "auc_pr", "seconds", "segments_per_second",
                "epochs", "config", "versions", "data", "history")) {
            assertTrue(report.has(field), "run.json lacks " + field);
        }
        assertEquals("gcl-pt", report.get("variant").asText());
        assertEquals(4, report.get("seed").asInt());
        assertEquals("reference", report.get("backend").asText(), "--backend cpu is the reference");
        assertEquals("fp32", report.get("precision").asText());
        assertTrue(report.get("auc_roc").asDouble() > 0 && report.get("auc_roc").asDouble() < 1);
        assertEquals(16, report.get("data").get("fingerprint").asText().length());
        JsonNode last = report.get("history").get(report.get("history").size() - 1);
        assertEquals(report.get("auc_roc").asDouble(), last.get("test_auc").asDouble(), 1e-12,
                "the last epoch's test AUC is the final AUC");
        assertEquals(6, report.get("history").size(), "2 + 2 + 2 epochs");
        List<String> phases = new java.util.ArrayList<>();
        report.get("phases").fieldNames().forEachRemaining(phases::add);
        assertEquals(List.of("load", "fingerprint", "train", "evaluate", "report"), phases);
        for (String p : phases) assertTrue(report.get("phases").get(p).asDouble() >= 0, p);
        assertTrue(report.get("phases").get("train").asDouble() > 0);
        assertEquals(report.get("seconds").asDouble(), report.get("phases").get("train").asDouble(), 1e-9,
                "seconds is the training alone");
        assertEquals(4, ModelFiles.load(out.resolve("model")).model().seed());
        for (String png : List.of("roc.png", "histogram-discriminator.png", "histogram-reconstruction-error.png",
                "test-auc-per-epoch.png")) {
            assertNotNull(ImageIO.read(out.resolve(png).toFile()), png);
        }
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("timeline-")));
        }
    }

    /** Subcommand first, then its options. */
    static String[] reorder(String command, String[] options, String... more) {
        return concat(concat(new String[] {command}, options), more);
    }

    @Test
    void badInputWritesNothing(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("run");
        assertBadInput(run(reorder("train", FAST, "--data", tmp.resolve("missing.yaml").toString(), "--out",
                out.toString())), "missing.yaml");
        assertBadInput(run(reorder("train", FAST, "--data", dataset.toString(), "--out", out.toString(), "--k-d",
                "fast")), "k-d", "fast");
        assertBadInput(run(reorder("train", FAST, "--data", dataset.toString(), "--out", out.toString(), "--variant",
                "gcl-x")), "gcl-x");
        if (!dev.gcl.backend.cuda.CudaProbe.get().available()) {
            assertBadInput(run(reorder("train", FAST, "--data", dataset.toString(), "--out", out.toString(),
                    "--backend", "cuda")), "--backend cuda: CUDA is unavailable");
        }
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "features: {dir: nowhere, format: npy}\nspeed: 3\n");
        assertBadInput(run(reorder("train", FAST, "--data", broken.toString(), "--out", out.toString())), "broken.yaml");
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(broken), s.toList(), "no output, not even a temporary directory");
        }
    }

    @Test
    void anExistingRunIsKeptUnlessForced(@TempDir Path tmp) throws IOException {
        Path out = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertBadInput(run(reorder("train", FAST, "--data", dataset.toString(), "--out", out.toString())), "--force");
        assertEquals("mine", Files.readString(out.resolve("keep.txt")));
        Result r = run(reorder("train", FAST, "--data", dataset.toString(), "--out", out.toString(), "--force",
                "--no-pictures", "--variant", "ae-all"));
        assertEquals(Main.OK, r.code(), r.err());
        assertFalse(Files.exists(out.resolve("keep.txt")));
        assertFalse(Files.exists(out.resolve("roc.png")));
        assertTrue(r.out().startsWith("ae-all: "), r.out());
    }

    @Test
    void scoresFolderEvaluatesLikeTheModel(@TempDir Path tmp) {
        Path run = tmp.resolve("run"), scores = tmp.resolve("scores");
        assertEquals(Main.OK, run(reorder("train", FAST, "--data", dataset.toString(), "--out", run.toString(),
                "--variant", "gcl-b", "--no-pictures")).code());
        Path model = run.resolve("model");
        Result s = run("score", "--model", model.toString(), "--input", dataset.toString(), "--out", scores.toString());
        assertEquals(Main.OK, s.code(), s.err());
        assertTrue(s.out().matches("(?s)scoring: \\d+ segments in [0-9.]+ s, \\d+ segments/s \\(scorer (blas|java|reference), \\d+ threads\\).*"),
                s.out());
        try {
            JsonNode timing = new ObjectMapper().readTree(scores.resolve("scoring.json").toFile());
            assertTrue(timing.get("segments_per_second").asDouble() > 0, timing.toString());
            assertTrue(timing.get("segments").asInt() > 0, timing.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Result byModel = run("eval", "--model", model.toString(), "--data", dataset.toString());
        Result byScores = run("eval", "--scores", scores.toString(), "--data", dataset.toString(), "--threshold", "0.5");
        assertEquals(Main.OK, byModel.code(), byModel.err());
        assertEquals(Main.OK, byScores.code(), byScores.err());
        assertEquals(byModel.out().lines().findFirst(), byScores.out().lines().findFirst());
        assertTrue(byScores.out().contains("false-alarm rate on normal videos at 0.5000"), byScores.out());
        Result ucf = run("eval", "--scores", scores.toString(), "--data", dataset.toString(), "--mapping", "ucf32");
        assertEquals(Main.OK, ucf.code(), ucf.err());
        assertTrue(ucf.out().contains("(mapping ucf32)"), ucf.out());
        assertBadInput(run("eval", "--scores", scores.toString(), "--data", dataset.toString(), "--mapping", "x"),
                "--mapping");
    }

    @Test
    void scoringAFeatureFileWritesOneScorePerSegment(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        run(reorder("train", FAST, "--data", dataset.toString(), "--out", run.toString(), "--no-pictures"));
        Path features;
        try (Stream<Path> s = Files.list(shared.resolve("data/features"))) {
            features = s.filter(p -> p.toString().endsWith(".npy")).sorted().findFirst().orElseThrow();
        }
        Path out = tmp.resolve("s.npy");
        Result r = run("score", "--model", run.resolve("model").toString(), "--input", features.toString(), "--out",
                out.toString());
        assertEquals(Main.OK, r.code(), r.err());
        var scores = dev.gcl.io.NpyReader.read(out);
        assertEquals(1, scores.shape().length);
        assertEquals(dev.gcl.io.NpyReader.read(features).shape()[0], scores.shape()[0]);
        assertTrue(r.out().contains(" segments/s (scorer "), r.out());

        // the exact reference scorer by option: within the fast scorer's tolerance of its scores
        Path exact = tmp.resolve("exact.npy");
        Result ref = run("score", "--model", run.resolve("model").toString(), "--input", features.toString(), "--out",
                exact.toString(), "--scorer", "reference", "--threads", "1");
        assertEquals(Main.OK, ref.code(), ref.err());
        assertTrue(ref.out().contains("(scorer reference, 1 threads)"), ref.out());
        dev.gcl.testing.Validate.close("fast vs reference scores", dev.gcl.io.NpyReader.read(out).data(),
                dev.gcl.testing.Validate.toDouble(dev.gcl.io.NpyReader.read(exact).data()), 1e-5, 1e-4);
        // the core's pure-Java FP32 scorer by name: within the same tolerance of the reference
        Path java = tmp.resolve("java.npy");
        Result j = run("score", "--model", run.resolve("model").toString(), "--input", features.toString(), "--out",
                java.toString(), "--scorer", "java");
        assertEquals(Main.OK, j.code(), j.err());
        assertTrue(j.out().contains("(scorer java, "), j.out());
        dev.gcl.testing.Validate.close("java vs reference scores", dev.gcl.io.NpyReader.read(java).data(),
                dev.gcl.testing.Validate.toDouble(dev.gcl.io.NpyReader.read(exact).data()), 1e-5, 1e-4);
        assertBadInput(run("score", "--model", run.resolve("model").toString(), "--input", features.toString(), "--out",
                tmp.resolve("x.npy").toString(), "--scorer", "quick"), "--scorer", "quick");
        assertBadInput(run("score", "--model", run.resolve("model").toString(), "--input", features.toString(), "--out",
                tmp.resolve("x.npy").toString(), "--threads", "0"), "--threads");
        assertBadInput(run("score", "--model", tmp.resolve("nope").toString(), "--input", features.toString(), "--out",
                tmp.resolve("t.npy").toString()), "nope");
    }

    @Test
    void sweepSummarisesResumesAndMergesShards(@TempDir Path tmp) throws IOException {
        String[] sweep = concat(new String[] {"sweep", "--data", dataset.toString(), "--seeds", "0-1", "--variants",
                "gcl-b,ae-all"}, "--epochs", "2", "--pretrain-epochs", "2", "--batch", "128", "--lr", "1e-3",
                "--g-hidden", "32,16,32", "--d-hidden", "16", "--backend", "cpu");
        Path full = tmp.resolve("full");
        Result r = run(concat(sweep, "--out", full.toString()));
        assertEquals(Main.OK, r.code(), r.err());
        List<String> csv = Files.readAllLines(full.resolve("results.csv"));
        assertEquals(5, csv.size(), "header + 4 runs");
        assertTrue(Files.readString(full.resolve("summary.csv")).contains("gcl-b,2,"));
        assertNotNull(ImageIO.read(full.resolve("boxplot.png").toFile()));
        assertEquals(4, Files.readAllLines(full.resolve("results.jsonl")).size());

        Result again = run(concat(sweep, "--out", full.toString()));
        assertTrue(again.out().contains("skipped 4 runs already complete"), again.out());

        for (int i = 0; i < 2; i++) {
            assertEquals(Main.OK, run(concat(sweep, "--out", tmp.resolve("s" + i).toString(), "--shard", i + "/2")).code());
        }
        Path merged = tmp.resolve("merged");
        Result m = run("sweep", "merge", tmp.resolve("s0").toString(), tmp.resolve("s1").toString(), "--out",
                merged.toString());
        assertEquals(Main.OK, m.code(), m.err());
        assertEquals(Files.readString(full.resolve("summary.csv")), Files.readString(merged.resolve("summary.csv")),
                "shards merged equal the whole sweep (runs are deterministic)");
    }

    @Test
    void synthWritesADatasetTrainCanRead(@TempDir Path tmp) {
        Path out = tmp.resolve("synth");
        Result r = run("synth", "--out", out.toString(), "--preset", "small", "--train-videos", "5", "--test-videos", "3");
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("dataset.yaml")));
        assertBadInput(run("synth", "--out", out.toString()), "--force");
        assertBadInput(run("synth", "--out", tmp.resolve("x").toString(), "--preset", "huge"), "preset");
    }

    @Test
    void builtInDemoTrainsOnGeneratedVideosAndTheRealC3dSample(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("demo");
        Result r = run("train", "--quiet", "--out", out.toString(), "--epochs", "2", "--pretrain-epochs", "2",
                "--no-pictures", "--backend", "cpu");
        assertEquals(Main.OK, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).contains("over 39683 test frames of 60 videos"), lines.get(0));
        assertTrue(lines.get(1).contains("over 12459 test frames of 10 videos"), lines.get(1));
        JsonNode c3d = new ObjectMapper().readTree(out.resolve("ucf-crime-c3d-sample/run.json").toFile());
        assertEquals(1478, c3d.get("test").get("anomalous_frames").asInt());
        assertEquals("256,64,256", c3d.get("config").get("g-hidden").asText(), "demo settings apply");
        assertEquals("2", c3d.get("config").get("epochs").asText(), "given options override them");
    }

    @Test
    void mismatchesAreRefusedWithoutWritingAnything(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(Main.OK, run(reorder("train", FAST, "--data", dataset.toString(), "--out", run.toString(),
                "--no-pictures", "--variant", "ae-all")).code());
        Path model = run.resolve("model");

        // a model trained with another D
        Path other = tmp.resolve("other");
        new SyntheticDatasetGenerator(SyntheticConfig.small(3).withSize(4, 3, 16)).write(other);
        assertBadInput(run("score", "--model", model.toString(), "--input", other.resolve("dataset.yaml").toString(),
                "--out", tmp.resolve("s").toString()), "dimension 16", "expects 32");
        assertFalse(Files.exists(tmp.resolve("s")));
        assertBadInput(run("eval", "--model", model.toString(), "--data", other.resolve("dataset.yaml").toString()),
                "dimension 16");

        // a score file whose length does not match its video
        Path scores = tmp.resolve("scores");
        assertEquals(Main.OK, run("score", "--model", model.toString(), "--input", dataset.toString(), "--out",
                scores.toString()).code());
        Path first;
        try (Stream<Path> s = Files.list(scores)) {
            first = s.filter(p -> p.toString().endsWith(".npy")).sorted().findFirst().orElseThrow();  // not scoring.json
        }
        dev.gcl.io.NpyWriter.writeVector(first, new float[3]);
        Path evalOut = tmp.resolve("eval");
        assertBadInput(run("eval", "--scores", scores.toString(), "--data", dataset.toString(), "--out",
                evalOut.toString()), first.getFileName().toString(), "segments");
        assertFalse(Files.exists(evalOut));

        // a sweep shard out of range
        Path sweepOut = tmp.resolve("sweep");
        assertBadInput(run("sweep", "--data", dataset.toString(), "--seeds", "0-1", "--shard", "2/2", "--out",
                sweepOut.toString()), "shard");
        assertBadInput(run("sweep", "--data", dataset.toString(), "--grid", "lr=fast", "--out", sweepOut.toString()),
                "lr");
        assertFalse(Files.exists(sweepOut));
    }
}
