package dev.gcl.cli;

import dev.gcl.config.ScoreSource;
import dev.gcl.export.OnnxExport;
import dev.gcl.model.ModelFiles;
import dev.gcl.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code gcl export} through the tool: it writes what {@link OnnxExport} writes, and bad input (no model, an
 * unknown format, an existing output without --force, a path that cannot be written, a score the model lacks) is
 * one line, exit 2, and leaves the output folder as it was. ONNX Runtime's check of the files: OnnxRuntimeTest.
 */
class ExportCliTest {
    private static final Path GCL_PT = TestData.ROOT.resolve("models/format-1/gcl-pt");
    private static final Path AE_ALL = TestData.ROOT.resolve("models/format-1/ae-all");

    @Test
    void exportWritesTheOnnxFileOfTheApiAndSaysWhat(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("model.onnx");
        CliTest.Result r = CliTest.run("export", "--model", GCL_PT.toString(), "--format", "onnx", "--out", out.toString());
        assertEquals(Main.OK, r.code(), r.err());
        ModelFiles.Loaded loaded = ModelFiles.load(GCL_PT);
        assertTrue(r.out().contains("exported gcl-pt model " + loaded.model().modelId() + " (scores by discriminator,"
                + " D = 8) as ONNX (IR 7, opset 13) to " + out), r.out());
        assertArrayEquals(OnnxExport.toBytes(loaded.model(), loaded.metadata(), ScoreSource.AUTO), Files.readAllBytes(out));
        assertEquals(List.of("model.onnx"), names(tmp), "no temporary file left");
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithForce(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("model.onnx");
        Files.writeString(out, "keep");
        CliTest.assertBadInput(CliTest.run("export", "--model", GCL_PT.toString(), "--out", out.toString()),
                "model.onnx", "already exists", "--force");
        assertEquals("keep", Files.readString(out));
        CliTest.Result r = CliTest.run("export", "--model", GCL_PT.toString(), "--out", out.toString(), "--force");
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(Files.size(out) > 100);
        assertEquals(List.of("model.onnx"), names(tmp));
    }

    @Test
    void badInputIsOneLineAndWritesNothing(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("model.onnx");
        CliTest.assertBadInput(CliTest.run("export", "--model", tmp.resolve("nowhere").toString(), "--out",
                out.toString()), "nowhere");
        CliTest.assertBadInput(CliTest.run("export", "--model", GCL_PT.toString(), "--format", "tflite", "--out",
                out.toString()), "--format must be onnx", "tflite");
        CliTest.assertBadInput(CliTest.run("export", "--model", AE_ALL.toString(), "--score-by", "d", "--out",
                out.toString()), "no discriminator");
        CliTest.assertBadInput(CliTest.run("export", "--model", GCL_PT.toString(), "--score-by", "x", "--out",
                out.toString()), "--score-by");
        CliTest.assertBadInput(CliTest.run("export", "--model", GCL_PT.toString(), "--out", tmp.toString()),
                "is a directory");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliTest.assertBadInput(CliTest.run("export", "--model", GCL_PT.toString(), "--out",
                file.resolve("model.onnx").toString()), "a-file", "is not a directory");
        CliTest.assertBadInput(CliTest.run("export", "--model", GCL_PT.toString()), "--out");
        assertEquals(List.of("a-file"), names(tmp), "nothing written, nothing half-written");
    }

    @Test
    void anUnwritableFolderIsBadInput(@TempDir Path tmp) throws IOException {
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        assertTrue(ro.toFile().setWritable(false, false));
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(ro),
                    "this user writes into read-only folders (root)");
            CliTest.assertBadInput(CliTest.run("export", "--model", GCL_PT.toString(), "--out",
                    ro.resolve("model.onnx").toString()), "permission denied", "model.onnx");
            assertEquals(List.of(), names(ro));
        } finally {
            ro.toFile().setWritable(true, false);
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
