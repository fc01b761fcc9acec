package dev.gcl.backend.cuda;

import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The first run on a stranger's GPU, played by the stand-in driver (docs/gpu.md, "First run on your GPU"): every
 * device × driver pair users have picks the right kernel image and passes the canary; every first-contact failure
 * ends with its name, the right exit code and nothing held on the device. Each case is a fresh JVM (the CUDA probe
 * runs once per process) running the gcl tool with the stand-in playing that GPU.
 */
class FirstContactTest {
    @TempDir
    static Path work;
    static Path data;

    /** A few seconds of training on the emulated GPU: gcl-b, 1 epoch, tiny networks. */
    static final String[] TRAIN = {"train", "--quiet", "--variant", "gcl-b", "--epochs", "1", "--batch", "64",
            "--lr", "1e-3", "--g-hidden", "16,8,16", "--d-hidden", "8", "--no-pictures", "--no-epoch-auc"};

    @BeforeAll
    static void data() {
        if (FirstContactRun.standIn() == null) return;
        new SyntheticDatasetGenerator(SyntheticConfig.small(3)).write(work.resolve("data"));
        data = work.resolve("data/dataset.yaml");
    }

    /** Each test skips, counted, outside the cuda-standin execution. */
    @BeforeEach
    void standIn() {
        Assumptions.assumeTrue(FirstContactRun.standIn() != null,
                "needs the stand-in libcuda.so.1 (the cuda-standin execution; native-build/build-standin.sh)");
    }

    static FirstContactRun info(String name, Map<String, String> env) {
        return FirstContactRun.gcl(work.resolve(name), env, "info");
    }

    static FirstContactRun train(String name, Map<String, String> env, String... more) {
        List<String> args = new ArrayList<>(List.of(TRAIN));
        args.addAll(List.of("--data", data.toString(), "--out", work.resolve(name).resolve("run").toString()));
        args.addAll(List.of(more));
        return FirstContactRun.gcl(work.resolve(name), env, args.toArray(String[]::new));
    }

    /** The run.json of a training case. */
    static String trainedOn(String name) {
        try {
            return java.nio.file.Files.readString(work.resolve(name).resolve("run").resolve("run.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The cuda device line of gcl info. */
    static String deviceLine(FirstContactRun r) {
        List<String> lines = r.lines("device   cuda: ");
        assertEquals(1, lines.size(), r.describe());
        return lines.get(0);
    }

    /** One row of the device × driver table: what the stand-in plays, the image expected, and what it means. */
    record Pair(String cc, String driver, String image, boolean compiled) {}

    static final List<Pair> MATRIX = List.of(
            new Pair("7.5", "13.0", "fatbin (cubin sm_75)", false),
            new Pair("8.0", "13.0", "fatbin (cubin sm_80)", false),
            new Pair("8.6", "13.0", "fatbin (cubin sm_86)", false),
            new Pair("8.9", "13.0", "fatbin (cubin sm_89)", false),
            new Pair("9.0", "13.0", "fatbin (cubin sm_90)", false),
            new Pair("10.0", "13.0", "fatbin (cubin sm_100)", false),
            new Pair("12.0", "13.0", "fatbin (cubin sm_120)", false),
            new Pair("7.5", "12.0", "ptx75 (compute_75 PTX, compiled by the driver)", true),
            new Pair("8.0", "12.0", "ptx (compute_80 PTX, compiled by the driver)", true),
            new Pair("8.6", "12.8", "ptx (compute_80 PTX, compiled by the driver)", true),
            new Pair("9.0", "12.8", "ptx (compute_80 PTX, compiled by the driver)", true),
            new Pair("12.0", "12.8", "ptx (compute_80 PTX, compiled by the driver)", true));

    @Test
    void everyDeviceAndDriverGetsItsImageAndPassesTheCanary() {
        StringBuilder table = new StringBuilder("| compute capability | driver | image loaded | auto |\n|---|---|---|---|\n");
        List<String> wrong = new ArrayList<>();
        for (Pair p : MATRIX) {
            FirstContactRun r = info("matrix-" + p.cc() + "-" + p.driver(),
                    Map.of("GCL_STANDIN_DEVICES", "cc=" + p.cc(), "GCL_STANDIN_DRIVER", p.driver()));
            String line = r.code() == 0 ? deviceLine(r) : r.describe();
            boolean ok = r.code() == 0 && line.contains("kernels from the " + p.image()) && line.contains("canary passed")
                    && r.out().contains("backend  auto: cuda")
                    && r.err().contains("compiles the kernels' PTX") == p.compiled();
            if (!ok) wrong.add(p + ": " + r.describe());
            table.append("| ").append(p.cc()).append(" | ").append(p.driver()).append(" | ").append(p.image())
                    .append(" | ").append(ok ? "cuda" : "WRONG").append(" |\n");
        }
        System.out.println(table);
        assertTrue(wrong.isEmpty(), String.join("\n\n", wrong));
    }

    @Test
    void fp32TrainsFromMachineCodeOnATuringGpuAndFromPtxOnACuda12DriverTf32IsRefusedOnTuring() {
        FirstContactRun t4 = train("t4", Map.of("GCL_STANDIN_DEVICES", "cc=7.5"));
        assertEquals(0, t4.code(), t4.describe());
        assertTrue(trainedOn("t4").matches("(?s).*\"backend\"\\s*:\\s*\"cuda\".*"), "run.json: " + trainedOn("t4"));
        assertEquals(0, t4.held("allocations"), "every device buffer freed");

        FirstContactRun ptx = train("a10-cuda12", Map.of("GCL_STANDIN_DEVICES", "cc=8.6", "GCL_STANDIN_DRIVER", "12.8"));
        assertEquals(0, ptx.code(), ptx.describe());
        assertTrue(trainedOn("a10-cuda12").contains("cuda"), ptx.describe());

        FirstContactRun tf32 = train("t4-tf32", Map.of("GCL_STANDIN_DEVICES", "cc=7.5"), "--backend", "cuda",
                "--precision", "tf32");
        assertEquals(2, tf32.code(), tf32.describe());
        assertTrue(tf32.err().contains("precision tf32 needs TF32 tensor cores (compute capability 8.0"),
                tf32.describe());
    }

    @Test
    void aCorruptedKernelIsCaughtByTheCanaryNamedAndAutoFallsBack() {
        Map<String, String> env = Map.of("GCL_STANDIN_CORRUPT", "dense_forward_big");
        FirstContactRun info = info("corrupt-info", env);
        assertEquals(0, info.code(), info.describe());
        assertTrue(info.out().contains("canary failed: kernel dense_forward_big computes wrong values"),
                info.describe());
        assertFalse(info.out().contains("backend  auto: cuda"), info.describe());
        assertEquals(0, info.held("contexts"), "the failed device holds no context");
        assertEquals(0, info.held("modules"), "nor its module");

        FirstContactRun named = train("corrupt-cuda", env, "--backend", "cuda");
        assertEquals(2, named.code(), named.describe());
        assertTrue(named.err().contains("kernel dense_forward_big"), named.describe());

        FirstContactRun auto = train("corrupt-auto", env);
        assertEquals(0, auto.code(), auto.describe());
        assertTrue(auto.err().contains("WARNING") && auto.err().contains("dense_forward_big"),
                "the fallback is a warning naming the kernel:\n" + auto.describe());
    }

    @Test
    void theJavaApiLogsTheFallbackWithTheDefaultListenerAndRecordsItInTheProvenance() {
        FirstContactRun r = FirstContactRun.java(work.resolve("api"), Map.of("GCL_STANDIN_CORRUPT", "dense_backward_weight"),
                List.of(ApiFallbackMain.class.getName()));
        assertEquals(0, r.code(), r.describe());
        assertTrue(r.err().contains("WARNING") && r.err().contains("canary failed: kernel dense_backward_weight"),
                "a warning on the log, whatever the listener:\n" + r.describe());
        assertTrue(r.out().contains("note cuda is unavailable: GPU 0 ") && r.out().contains("dense_backward_weight"),
                "the provenance says why:\n" + r.describe());
        assertFalse(r.out().contains("backend cuda"), r.describe());
    }

    @Test
    void outOfMemoryDuringTrainingExits2WithTheFiguresAndLeaksNothing() {
        // the 40th allocation fails: the networks and the first buffers are on the device by then
        FirstContactRun r = train("oom", Map.of("GCL_STANDIN_FAIL", "cuMemAlloc_v2:40:2", "GCL_CUDA_CANARY", "off"),
                "--backend", "cuda");
        assertEquals(2, r.code(), r.describe());
        assertTrue(r.err().matches("(?s).*out of GPU memory on GPU 0 .*needed, .* free of .*--batch.*--backend blas.*"),
                r.describe());
        assertFalse(r.err().contains("internal error"), r.describe());
        assertEquals(0, r.held("allocations"), "every buffer freed on the way out: " + r.held());
        assertEquals(0, r.held("host"), "and the page-locked staging memory");
    }

    @Test
    void aRunThatCannotFitIsRefusedBeforeTrainingOrPassedOverByAuto() {
        Map<String, String> small = Map.of("GCL_STANDIN_DEVICES", "cc=8.0,memory=64MiB");
        FirstContactRun named = train("small-gpu-cuda", small, "--backend", "cuda");
        assertEquals(2, named.code(), named.describe());
        assertTrue(named.err().matches("(?s).*out of GPU memory on GPU 0 .*: [0-9.]+ MiB needed, [0-9.]+ MiB free of "
                + "64.0 MiB;.*"), named.describe());
        assertEquals(0, named.held("allocations"), named.describe());

        // the run fits a 256 MiB GPU, its features with the 512 MiB headroom do not: they are streamed, nothing leaks
        FirstContactRun streamed = train("streamed", Map.of("GCL_STANDIN_DEVICES", "cc=8.0,memory=256MiB"),
                "--backend", "cuda");
        assertEquals(0, streamed.code(), streamed.describe());
        assertEquals(0, streamed.held("allocations"), streamed.describe());
        assertEquals(0, streamed.held("host"), streamed.describe());

        FirstContactRun auto = train("small-gpu-auto", small);
        assertEquals(0, auto.code(), auto.describe());
        assertTrue(trainedOn("small-gpu-auto").matches("(?s).*\"backend\"\\s*:\\s*\"blas\".*"), auto.describe());
        assertTrue(auto.err().contains("WARNING") && auto.err().contains("cuda is passed over: the run needs about"),
                auto.describe());
    }

    @Test
    void aBusyOrProhibitedGpuIsNamedAndAutoSkipsToTheNextDevice() {
        FirstContactRun busy = info("busy", Map.of("GCL_STANDIN_DEVICES", "cc=8.0,mode=exclusive-process,busy=1"));
        assertTrue(busy.out().contains("busy: the GPU is in EXCLUSIVE_PROCESS mode and another process holds it"),
                busy.describe());
        assertEquals(0, busy.held("contexts"), busy.describe());
        FirstContactRun prohibited = info("prohibited", Map.of("GCL_STANDIN_DEVICES", "cc=8.0,mode=prohibited"));
        assertTrue(prohibited.out().contains("compute mode is PROHIBITED"), prohibited.describe());

        FirstContactRun skip = info("skip", Map.of("GCL_STANDIN_DEVICES", "cc=8.0,mode=prohibited;cc=8.6"));
        assertTrue(skip.out().contains("backend  auto: cuda"), skip.describe());
        assertTrue(skip.out().contains("(GPU 1)"), "the second device is used:\n" + skip.describe());
    }

    @Test
    void aDeviceIsChosenByIndexAndAMissingOneIsRefused() {
        Map<String, String> two = Map.of("GCL_STANDIN_DEVICES", "cc=8.0;cc=9.0");
        FirstContactRun second = train("device1", two, "--backend", "cuda", "--device", "1");
        assertEquals(0, second.code(), second.describe());
        FirstContactRun missing = train("device5", two, "--backend", "cuda", "--device", "5");
        assertEquals(2, missing.code(), missing.describe());
        assertTrue(missing.err().contains("device 5 (GCL_CUDA_DEVICE/--device) does not exist: 2 CUDA devices are "
                + "visible (0 to 1)"), missing.describe());
        FirstContactRun visible = info("visible", Map.of("GCL_STANDIN_DEVICES", "cc=8.0;cc=9.0",
                "CUDA_VISIBLE_DEVICES", "1"));
        assertTrue(deviceLine(visible).contains("compute capability 9.0"), visible.describe());
    }

    @Test
    void aSweepSpreadsItsRunsOverTheVisibleGpus() throws java.io.IOException {
        Path out = work.resolve("sweep").resolve("out");
        FirstContactRun r = FirstContactRun.gcl(work.resolve("sweep"), Map.of("GCL_STANDIN_DEVICES", "cc=8.0;cc=9.0"),
                "sweep", "--data", data.toString(), "--seeds", "0-1", "--variants", "gcl-b", "--out", out.toString(),
                "--backend", "cuda", "--jobs", "2", "--save-models", "--epochs", "1", "--batch", "64", "--lr", "1e-3",
                "--g-hidden", "16,8,16", "--d-hidden", "8");
        assertEquals(0, r.code(), r.describe());
        List<String> devices;
        try (var files = java.nio.file.Files.walk(out)) {
            devices = files.filter(f -> f.getFileName().toString().equals("model.json")).map(f -> {
                try {
                    String json = java.nio.file.Files.readString(f);
                    return json.contains("(GPU 1)") ? "GPU 1" : json.contains("(GPU 0)") ? "GPU 0" : "none";
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList();
        }
        assertEquals(List.of("GPU 0", "GPU 1"), devices, "two runs at once, one per GPU:\n" + r.describe());
    }

    @Test
    void aRefusedImageFallsBackToTheOtherAndBothRefusedNamesEachAndHoldsNothing() {
        FirstContactRun one = info("refused-fatbin", Map.of("GCL_STANDIN_FAIL", "cuModuleLoadDataEx:1:200"));
        assertTrue(deviceLine(one).contains("kernels from the ptx (compute_80 PTX"), one.describe());
        assertTrue(one.err().contains("gcl_kernels.fatbin: CUDA_ERROR_INVALID_IMAGE"), one.describe());

        FirstContactRun both = info("refused-both", Map.of("GCL_STANDIN_FAIL",
                "cuModuleLoadDataEx:1:200,cuModuleLoadDataEx:2:218"));
        assertTrue(both.out().contains("kernels do not load: no kernel image loads on GPU 0"), both.describe());
        assertTrue(both.out().contains("gcl_kernels.fatbin: CUDA_ERROR_INVALID_IMAGE")
                && both.out().contains("gcl_kernels.ptx: CUDA_ERROR_INVALID_PTX"), both.describe());
        assertEquals(0, both.held("contexts"), both.describe());

        FirstContactRun noJit = info("no-jit", Map.of("GCL_STANDIN_DRIVER", "12.0", "GCL_STANDIN_JIT", "missing"));
        assertTrue(noJit.out().contains("CUDA_ERROR_JIT_COMPILER_NOT_FOUND"), noJit.describe());
        assertTrue(noJit.out().contains("update the NVIDIA driver to 580 or newer"), noJit.describe());
    }

    @Test
    void noDriverNoDeviceAndAFailingInitAreNamed() {
        FirstContactRun noDevice = info("no-device", Map.of("CUDA_VISIBLE_DEVICES", ""));
        assertTrue(noDevice.out().contains("cuda: unavailable: no CUDA device"), noDevice.describe());
        FirstContactRun init = info("init", Map.of("GCL_STANDIN_FAIL", "cuInit:1:999"));
        assertTrue(init.out().contains("cuda: unavailable: cuInit failed: CUDA_ERROR_UNKNOWN"), init.describe());
        FirstContactRun named = train("init-cuda", Map.of("GCL_STANDIN_FAIL", "cuInit:1:999"), "--backend", "cuda");
        assertEquals(2, named.code(), named.describe());
    }

    @Test
    void aStickyKernelFaultMidTrainingIsNamedAsTheGpusError() {
        // launch by launch: the 300th kernel launch; with graphs (the default) the 5th graph launch
        FirstContactRun launches = train("sticky", Map.of("GCL_STANDIN_FAIL", "cuLaunchKernel:300:700:sticky",
                "GCL_CUDA_CANARY", "off", "GCL_CUDA_GRAPHS", "off"), "--backend", "cuda");
        assertEquals(1, launches.code(), launches.describe());
        assertTrue(launches.err().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), launches.describe());
        FirstContactRun graphs = train("sticky-graph", Map.of("GCL_STANDIN_FAIL", "cuGraphLaunch:5:700:sticky",
                "GCL_CUDA_CANARY", "off"), "--backend", "cuda");
        assertEquals(1, graphs.code(), graphs.describe());
        assertTrue(graphs.err().contains("CUDA_ERROR_ILLEGAL_ADDRESS"), graphs.describe());
    }
}
