package dev.gcl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gcl.backend.cuda.CudaProbe;
import dev.gcl.backend.cuda.CudaTesting;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code gcl verify} end to end on the CUDA backend, in both precisions: the op suite and GCL iterations against
 * the CPU pass, exit 0, and verify.json names the device (on the stand-in, as the CPU emulation). Skipped with the
 * probe's reason where CUDA is unavailable; the Surefire execution "cuda-standin" runs it against the stand-in.
 */
class VerifyOnCudaTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"fp32", "tf32"})
    void verifyPassesAndWritesVerifyJson(String precision) throws IOException {
        CudaTesting.assumeCuda();
        CliTest.Result r = CliTest.run("verify", "--precision", precision, "--iterations", "2", "--seed", "3",
                "--threads", "2", "--out", dir.toString());
        assertEquals(Main.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("verify: PASS"), r.out());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("verify.json").toFile());
        assertTrue(j.get("passed").asBoolean());
        assertEquals(precision, j.get("precision").asText());
        assertEquals(2, j.get("training").get("iterations").size());
        String candidate = j.get("candidate").asText();
        assertTrue(candidate.contains(CudaProbe.get().reason()), candidate);
        if (CudaTesting.onStandIn()) {
            assertTrue(candidate.contains("CPU emulation") && candidate.contains("not a GPU"), candidate);
        }
    }
}
