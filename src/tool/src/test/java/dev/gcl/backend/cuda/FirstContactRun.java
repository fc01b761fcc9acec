package dev.gcl.backend.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One process of a first-contact test: a JVM with the stand-in libcuda.so.1 playing a given GPU, driver and fault
 * (GCL_STANDIN_* variables, docs/gpu-emulation.md), running the gcl tool or a test main, with a private cache
 * folder and temporary folder; its exit code, output, and the stand-in's exit report of what was still held
 * (allocations, contexts, modules, streams, page-locked memory).
 */
record FirstContactRun(int code, String out, String err, Map<String, Long> held) {

    /** The stand-in's folder (the cuda-standin execution sets it), or null outside that execution. */
    static Path standIn() {
        String dir = System.getProperty(CudaTesting.STANDIN_PROPERTY);
        if (dir == null || !Files.exists(Path.of(dir, "libcuda.so.1"))) return null;
        return Path.of(dir);
    }

    /** Runs {@code gcl args...} (dev.gcl.cli.Main) in a fresh JVM with these extra environment variables. */
    static FirstContactRun gcl(Path work, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of("dev.gcl.cli.Main"));
        command.addAll(List.of(args));
        return java(work, env, command);
    }

    /** Runs a main class with arguments in a fresh JVM (the test class path) under the stand-in. */
    static FirstContactRun java(Path work, Map<String, String> env, List<String> mainAndArgs) {
        try {
            Files.createDirectories(work);
            Path tmp = Files.createTempDirectory(work, "tmp");
            Path report = tmp.resolve("standin-report.txt");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx768m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp,
                    "-cp", System.getProperty("java.class.path")));
            command.addAll(mainAndArgs);
            ProcessBuilder pb = new ProcessBuilder(command);
            Map<String, String> e = pb.environment();
            e.keySet().removeIf(k -> k.startsWith("GCL_") || k.equals("CUDA_VISIBLE_DEVICES"));
            e.put("LD_LIBRARY_PATH", standIn().toString());
            e.put("GCL_STANDIN_REPORT", report.toString());
            e.put("GCL_CACHE_DIR", tmp.resolve("cache").toString());
            e.putAll(env);
            Path out = tmp.resolve("stdout.txt"), err = tmp.resolve("stderr.txt");
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("timed out: " + command + " with " + env);
            }
            return new FirstContactRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), readReport(report));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** "allocations=0 bytes=0 contexts=1 ..." as a map; empty when the process wrote none (it crashed). */
    private static Map<String, Long> readReport(Path report) throws IOException {
        Map<String, Long> held = new LinkedHashMap<>();
        if (!Files.exists(report)) return held;
        for (String pair : Files.readString(report).trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) held.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
        }
        return held;
    }

    /** The value the stand-in reported at exit, or fails when it wrote no report. */
    long held(String what) {
        Long v = held.get(what);
        if (v == null) fail("no stand-in report (" + what + ") from the child; stderr:\n" + err);
        return v;
    }

    /** Everything, for assertion messages. */
    String describe() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err + "--- held " + held;
    }

    /** The lines of stdout starting with this prefix. */
    List<String> lines(String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).toList();
    }
}
