package dev.gcl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.Precision;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.backend.cuda.CudaProbe;
import dev.gcl.verify.Tf32Emulation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code gcl verify}: without a GPU it refuses with the probe's reason (exit 2); its checking, tables, verify.json
 * and exit codes 0 and 3 are exercised here with CPU candidates (the CPU itself, a TF32 emulation, a broken one).
 */
class VerifyCommandTest {
    @TempDir
    Path dir;

    @Test
    void withoutAGpuVerifyExitsTwoWithOneLineGivingTheProbesReason() {
        CudaProbe probe = CudaProbe.get();
        Assumptions.assumeFalse(probe.available(), "this machine has a GPU: verify runs for real there");
        CliTest.Result r = CliTest.run("verify", "--out", dir.toString());
        CliTest.assertBadInput(r, "verify needs a GPU", probe.reason().lines().findFirst().orElseThrow());
        assertEquals("", r.out());
        assertFalse(Files.exists(dir.resolve("verify.json")), "nothing written");
    }

    @Test
    void theBlasCandidatePassesHereAndWritesVerifyJson() throws IOException {
        dev.gcl.backend.blas.BlasProbe probe = dev.gcl.backend.blas.BlasProbe.get();
        Assumptions.assumeTrue(probe.available(), probe.reason());
        CliTest.Result r = CliTest.run("verify", "--candidate", "blas", "--iterations", "3", "--threads", "2",
                "--out", dir.toString());
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("verify: PASS"), r.out());
        assertTrue(r.out().contains("blas fp32"), r.out());
        JsonNode j = verifyJson();
        assertTrue(j.get("passed").asBoolean());
        assertTrue(j.get("candidate").asText().startsWith("blas fp32"), j.get("candidate").asText());
        boolean someGemmDiffers = false;
        for (JsonNode op : j.get("ops")) {
            String name = op.get("op").asText();
            if (name.equals("dense_forward") || name.startsWith("dense_backward dW")) {
                assertTrue(op.get("product_rtol").asDouble() > 0, "GEMMs carry the FP32 bound: " + op);
                someGemmDiffers |= op.get("max_abs").asDouble() > 0;
            } else if (name.startsWith("row_mse") || name.startsWith("weighted_mse")) {  // FP32 lanes
                assertTrue(op.get("rtol").asDouble() > 0, "the MSE ops carry their FP32 bound: " + op);
            } else if (!name.startsWith("dense_backward dIn") && !name.startsWith("rmsprop")) {  // RMSprop: FP32
                assertEquals(0.0, op.get("max_abs").asDouble(), name + " repeats the reference's arithmetic");
            }
        }
        assertTrue(someGemmDiffers, "the GEMMs ran in FP32");
    }

    @Test
    void unknownCandidatesAndTf32OnBlasAreRefused() {
        CliTest.assertBadInput(CliTest.run("verify", "--candidate", "tpu", "--out", dir.toString()), "--candidate", "tpu");
        Assumptions.assumeTrue(dev.gcl.backend.blas.BlasProbe.get().available());
        CliTest.assertBadInput(CliTest.run("verify", "--candidate", "blas", "--precision", "tf32", "--out",
                dir.toString()), "--precision tf32");
        assertFalse(Files.exists(dir.resolve("verify.json")), "nothing written");
    }

    @Test
    void badOptionsAreRefusedBeforeTheProbe() {
        CliTest.assertBadInput(CliTest.run("verify", "--precision", "bf16"), "--precision", "bf16");
        CliTest.assertBadInput(CliTest.run("verify", "--iterations", "0"), "--iterations");
        CliTest.assertBadInput(CliTest.run("verify", "--data", dir.resolve("missing.yaml").toString()), "missing.yaml");
    }

    @Test
    void tf32IsRefusedOnTheReferenceBackend() {
        CliTest.Result r = CliTest.run("train", "--backend", "cpu", "--precision", "tf32", "--quiet", "--out", dir.resolve("run").toString());
        CliTest.assertBadInput(r, "--precision tf32 needs --backend cuda");
        assertFalse(Files.exists(dir.resolve("run")));
    }

    /** The verify command with its options parsed, writing into out. */
    private record Parsed(VerifyCommand command, StringWriter out) {}

    private Parsed parse(String... args) {
        VerifyCommand cmd = new VerifyCommand();
        CommandLine cl = new CommandLine(cmd);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.parseArgs(args);
        return new Parsed(cmd, out);
    }

    private JsonNode verifyJson() throws IOException {
        return new ObjectMapper().readTree(dir.resolve("verify.json").toFile());
    }

    @Test
    void theCpuAgainstItselfPassesPrintsBothTablesAndWritesVerifyJson() throws IOException {
        Parsed p = parse("--iterations", "3", "--seed", "2", "--out", dir.toString());
        int code = p.command().verify("cpu (1 thread)", () -> new ReferenceBackend(1), Precision.FP32, 2);
        String out = p.out().toString();
        assertEquals(Main.OK, code, out);
        assertTrue(out.contains("dense_forward") && out.contains("philox_normal") && out.contains("max rel"), out);
        assertTrue(out.contains("iterations: gcl-b, 3 x 1024 rows"), out);
        assertTrue(out.strip().endsWith("verify.json"), out);
        assertTrue(out.contains("verify: PASS"), out);
        JsonNode j = verifyJson();
        assertTrue(j.get("passed").asBoolean());
        assertEquals("fp32", j.get("precision").asText());
        assertTrue(j.get("ops").size() > 40, "every op, the dense ones per activation");
        assertEquals(3, j.get("training").get("iterations").size());
        for (JsonNode it : j.get("training").get("iterations")) {
            assertEquals(0.0, it.get("g_loss_diff").asDouble(), "thread counts give the same bits");
            assertEquals(0.0, it.get("max_weight_diff").asDouble());
            assertEquals(0, it.get("disagreements").size());
            assertEquals(2 * 1024, it.get("labels_compared").asInt(), "G's and D's labels of every row");
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "verify.json only, no temporary file left");
        }
    }

    @Test
    void tf32ArithmeticPassesTheTf32Verification() throws IOException {
        Parsed p = parse("--iterations", "3", "--out", dir.toString());
        Supplier<Backend> tf32 = () -> new Tf32Emulation(new ReferenceBackend(1), false);
        int code = p.command().verify("tf32 emulation", tf32, Precision.TF32, 2);
        assertEquals(Main.OK, code, p.out().toString());
        JsonNode j = verifyJson();
        assertEquals("tf32", j.get("precision").asText());
        double largestLossDiff = 0;
        for (JsonNode it : j.get("training").get("iterations")) {
            largestLossDiff = Math.max(largestLossDiff, it.get("g_loss_diff").asDouble());
        }
        assertTrue(largestLossDiff > 0, "TF32 rounding shows in the losses");
    }

    @Test
    void aWrongBackendFailsWithExitThreeAndSaysWhere() throws IOException {
        Parsed p = parse("--iterations", "2", "--out", dir.toString());
        Supplier<Backend> broken = () -> new ForwardingBackend(new ReferenceBackend(1)) {
            @Override
            public void denseForward(DeviceFloats in, DeviceFloats w, DeviceFloats b, DeviceFloats out, int rows,
                                     int inDim, int outDim, Activation act) {
                super.denseForward(in, w, b, out, rows, inDim, outDim, act);
                float[] y = read(out, rows * outDim);
                for (int k = 0; k < y.length; k += 7) y[k] *= 1.01f;  // 1% off on every 7th output
                upload(y, 0, out, 0, y.length);
            }
        };
        int code = p.command().verify("broken", broken, Precision.FP32, 2);
        String out = p.out().toString();
        assertEquals(Main.MISMATCH, code, out);
        assertTrue(out.contains("verify: FAIL"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("dense_forward") && l.contains("NO: ")), out);
        JsonNode j = verifyJson();
        assertFalse(j.get("passed").asBoolean());
        assertFalse(j.get("training").get("iterations").get(0).get("losses_pass").asBoolean());
    }
}
