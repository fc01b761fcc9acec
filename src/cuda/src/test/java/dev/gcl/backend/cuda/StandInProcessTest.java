package dev.gcl.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The stand-in libcuda.so.1 plays the devices, drivers and failures users have (GCL_STANDIN_DEVICES,
 * CUDA_VISIBLE_DEVICES, GCL_STANDIN_DRIVER, GCL_STANDIN_JIT, GCL_STANDIN_FAIL, GCL_STANDIN_CORRUPT,
 * GCL_STANDIN_REPORT; docs/gpu-emulation.md). The stand-in reads them once per process, so each case runs a child
 * JVM ({@link StandInProcess}) against it. Runs in the Surefire execution "cuda-standin" (which names the stand-in's
 * folder in the system property gcl.cuda.standin); skipped elsewhere.
 *
 * <p>Images: the small fixture {@code standin-tiny.fatbin} (nvcc 13.0, uncompressed: cubins sm_75, 80, 86, 89, 90,
 * 100, 120 and compute_90 PTX of two entry points named after kernels of the stand-in, {@code standin-tiny.cu}),
 * taken apart and put back together here into the fatbins each rule needs, and the build's own images from
 * target/classes when nvcc built them.
 */
class StandInProcessTest {
    private static final String TINY = "/dev/gcl/backend/cuda/standin-tiny.fatbin";
    private static Path standIn;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void requireStandIn() {
        String dir = System.getProperty("gcl.cuda.standin");
        Assumptions.assumeTrue(dir != null, "not the cuda-standin execution");
        standIn = Path.of(dir);
        Assumptions.assumeTrue(Files.exists(standIn.resolve("libcuda.so.1")),
                "the stand-in was not built (" + standIn + "/unavailable.txt)");
    }

    private static StandInProcess.Result run(Map<String, String> env, String... commands) throws Exception {
        return StandInProcess.run(standIn, tmp, env, commands);
    }

    private static List<String> values(StandInProcess.Result r, String key) {
        List<String> out = new ArrayList<>();
        for (String line : r.all()) if (line.startsWith(key + "=")) out.add(line.substring(key.length() + 1));
        return out;
    }

    // ------------------------------------------------------------ fatbins taken apart and put together

    /** One entry of a fatbin: its header (kind at 0, header size at 4, payload size at 8, arch at 28) and payload. */
    record Entry(byte[] header, byte[] payload) {
        int kind() {
            return ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getShort(0);
        }

        int arch() {
            return ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(28);
        }

        boolean is(int kind, int arch) {
            return kind() == kind && arch() == arch;
        }

        String text() {
            return new String(payload, StandardCharsets.US_ASCII);
        }

        /** The same entry with another payload (its header's size fixed up). */
        Entry with(byte[] newPayload) {
            byte[] h = header.clone();
            ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(8, newPayload.length);
            return new Entry(h, newPayload);
        }

        /** A PTX entry with its text edited (kept NUL-terminated). */
        Entry withText(String newText) {
            return with((newText.replace("\0", "") + "\0").getBytes(StandardCharsets.US_ASCII));
        }

        /** A cubin entry with `from` replaced by `to` (same length) in its bytes. */
        Entry patched(String from, String to) {
            assertEquals(from.length(), to.length());
            byte[] p = payload.clone();
            byte[] f = from.getBytes(StandardCharsets.US_ASCII), t = to.getBytes(StandardCharsets.US_ASCII);
            int found = 0;
            outer:
            for (int i = 0; i + f.length <= p.length; i++) {
                for (int j = 0; j < f.length; j++) if (p[i + j] != f[j]) continue outer;
                System.arraycopy(t, 0, p, i, t.length);
                found++;
            }
            assertTrue(found > 0, from + " is in the cubin");
            return new Entry(header, p);
        }
    }

    static List<Entry> entries(byte[] fatbin) {
        ByteBuffer b = ByteBuffer.wrap(fatbin).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xBA55ED50, b.getInt(0), "fatbin magic");
        int start = b.getShort(6);
        long end = start + b.getLong(8);
        List<Entry> out = new ArrayList<>();
        for (int at = start; at < end; ) {
            int headerSize = b.getInt(at + 4);
            int size = (int) b.getLong(at + 8);
            byte[] header = new byte[headerSize], payload = new byte[size];
            System.arraycopy(fatbin, at, header, 0, headerSize);
            System.arraycopy(fatbin, at + headerSize, payload, 0, size);
            out.add(new Entry(header, payload));
            at += headerSize + size;
        }
        return out;
    }

    static byte[] fatbin(List<Entry> entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Entry e : entries) {
            body.writeBytes(e.header());
            body.writeBytes(e.payload());
        }
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xBA55ED50).putShort((short) 1).putShort((short) 16).putLong(body.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static List<Entry> tiny() throws IOException {
        try (InputStream in = StandInProcessTest.class.getResourceAsStream(TINY)) {
            assertNotNull(in, TINY);
            return entries(in.readAllBytes());
        }
    }

    static Entry pick(List<Entry> all, int kind, int arch) {
        return all.stream().filter(e -> e.is(kind, arch)).findFirst().orElseThrow(
                () -> new AssertionError("no entry kind " + kind + " arch " + arch + " in the fixture"));
    }

    static final int PTX = 1, ELF = 2;

    private static String file(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p.toString();
    }

    private static String ptxFile(String name, String version, String target, String... entries) throws IOException {
        StringBuilder s = new StringBuilder("//\n// handmade\n//\n\n.version " + version + "\n.target " + target
                + "\n.address_size 64\n\n");
        for (String e : entries) s.append(".visible .entry ").append(e).append("(\n)\n{\n\tret;\n}\n");
        return file(name, (s + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    // ------------------------------------------------------------ devices

    @Test
    void withoutVariablesItIsTodaysOneDevice() throws Exception {
        StandInProcess.Result r = run(Map.of(), "init", "devices", "ctx:0", "meminfo");
        assertEquals(0, r.code("init"));
        assertEquals("1", r.get("devices"));
        assertEquals("CPU emulation (gcl stand-in libcuda.so.1, not a GPU)", r.get("name0"));
        assertEquals("8.0", r.get("cc0"));
        assertEquals(163 * 1024, r.code("optin0"));
        assertEquals(48 * 1024, r.code("shared0"));
        assertEquals(0, r.code("mode0"));
        assertEquals(16L << 30, Long.parseLong(r.get("totalmem0")));
        assertEquals(16L << 30, Long.parseLong(r.get("total")));
        assertEquals(13000, r.code("driver"));
    }

    @Test
    void eachComputeCapabilityHasItsAttributesAndSharedMemoryLimit() throws Exception {
        String[] ccs = {"7.5", "8.0", "8.6", "8.9", "9.0", "10.0", "12.0"};
        int[] optinKb = {64, 163, 99, 99, 227, 227, 99};
        StringBuilder devices = new StringBuilder();
        for (String cc : ccs) devices.append(devices.length() == 0 ? "" : ";").append("cc=").append(cc);
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", devices + ",memory=512MiB"), "init", "devices");
        assertEquals(String.valueOf(ccs.length), r.get("devices"));
        for (int k = 0; k < ccs.length; k++) {
            assertEquals(ccs[k], r.get("cc" + k));
            assertEquals(optinKb[k] * 1024, r.code("optin" + k), "opt-in shared memory of " + ccs[k]);
            assertEquals(48 * 1024, r.code("shared" + k));
            assertTrue(r.get("name" + k).contains("compute capability " + ccs[k]), r.get("name" + k));
            assertTrue(r.get("name" + k).startsWith("CPU emulation"), "CudaTesting.onStandIn knows it");
            assertEquals(String.format("0000:%02x:00.0", k + 1), r.get("pci" + k));
        }
        assertEquals(16L << 30, Long.parseLong(r.get("totalmem0")), "default memory");
        assertEquals(512L << 20, Long.parseLong(r.get("totalmem6")));
    }

    @Test
    void aFunctionMayOptInToItsDevicesSharedMemoryOnly() throws Exception {
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", "cc=8.6;cc=8.0"), "init",
                "ctx:0", "ptx:gather_rows", "shared:gather_rows:" + 99 * 1024, "shared:gather_rows:" + (99 * 1024 + 1),
                "ctx:1", "ptx:gather_rows", "shared:gather_rows:" + 163 * 1024, "shared:gather_rows:" + (163 * 1024 + 1));
        assertEquals(List.of("0", "1", "0", "1"), values(r, "shared"));
    }

    @Test
    void cudaVisibleDevicesSelectsOrdersAndHidesFromTheFirstInvalidIndex() throws Exception {
        String devices = "cc=7.5;cc=8.6;cc=9.0";
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", devices, "CUDA_VISIBLE_DEVICES", "2,0,7,1"),
                "init", "devices");
        assertEquals("2", r.get("devices"), "7 is invalid: it and 1 after it are hidden");
        assertEquals("9.0", r.get("cc0"));
        assertEquals("0000:03:00.0", r.get("pci0"), "the bus id names the listed device");
        assertEquals("7.5", r.get("cc1"));
        r = run(Map.of("GCL_STANDIN_DEVICES", devices, "CUDA_VISIBLE_DEVICES", "1"), "init", "devices");
        assertEquals("1", r.get("devices"));
        assertEquals("8.6", r.get("cc0"));
        assertEquals(100, run(Map.of("CUDA_VISIBLE_DEVICES", ""), "init").code("init"), "CUDA_ERROR_NO_DEVICE");
        assertEquals(100, run(Map.of("CUDA_VISIBLE_DEVICES", "GPU-0"), "init").code("init"));
    }

    @Test
    void computeModesAndBusyDevicesRefuseContexts() throws Exception {
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES",
                        "mode=exclusive-process,busy=1;mode=exclusive-process;mode=prohibited;busy=1"),
                "init", "devices", "ctx:0", "create:0", "ctx:1", "ctx:2", "create:2", "ctx:3");
        assertEquals(List.of("3", "3", "2", "0"), List.of(r.get("mode0"), r.get("mode1"), r.get("mode2"),
                r.get("mode3")));
        assertEquals(List.of("46", "0", "46", "0"), values(r, "retain"), "CUDA_ERROR_DEVICE_UNAVAILABLE where held");
        assertEquals(List.of("46", "46"), values(r, "create"));
    }

    @Test
    void aMalformedVariableFailsCuInitNamingIt() throws Exception {
        for (Map.Entry<String, String> bad : Map.of("GCL_STANDIN_DEVICES", "cc=8.7", "GCL_STANDIN_DRIVER", "12.4",
                "GCL_STANDIN_FAIL", "cuMemAloc_v2:1", "GCL_STANDIN_CORRUPT", "no_such_kernel",
                "GCL_STANDIN_JIT", "absent").entrySet()) {
            StandInProcess.Result r = run(Map.of(bad.getKey(), bad.getValue()), "init");
            assertEquals(1, r.code("init"), bad + ": CUDA_ERROR_INVALID_VALUE");
            assertTrue(r.stderr().contains(bad.getKey() + ":"), bad + " named on stderr: " + r.stderr());
        }
    }

    // ------------------------------------------------------------ drivers, PTX and fatbins

    @Test
    void eachDriverJitsPtxUpToItsIsaVersion() throws Exception {
        String v80 = ptxFile("v80.ptx", "8.0", "sm_80", "gather_rows");
        String v87 = ptxFile("v87.ptx", "8.7", "sm_80", "gather_rows");
        String v90 = ptxFile("v90.ptx", "9.0", "sm_80", "gather_rows");
        Map<String, List<String>> expected = Map.of("12.0", List.of("0", "222", "222"),
                "12.8", List.of("0", "0", "222"), "13.0", List.of("0", "0", "0"));
        Map<String, Integer> versions = Map.of("12.0", 12000, "12.8", 12080, "13.0", 13000);
        for (var e : expected.entrySet()) {
            StandInProcess.Result r = run(Map.of("GCL_STANDIN_DRIVER", e.getKey(), "GCL_STANDIN_DEVICES", "cc=8.6"),
                    "init", "devices", "ctx:0", "load:" + v80, "load:" + v87, "load:" + v90);
            assertEquals(versions.get(e.getKey()), r.code("driver"));
            assertEquals(e.getValue(), values(r, "load"), "driver " + e.getKey() + ": .version 8.0, 8.7, 9.0");
            List<String> errors = values(r, "error"), infos = values(r, "info");
            for (int k = 0; k < 3; k++) {
                if (e.getValue().get(k).equals("222")) {
                    assertTrue(errors.get(k).contains("Unsupported .version"), errors.get(k));
                } else {
                    assertTrue(infos.get(k).contains("info: compiled 1 entry functions for sm_86 (stand-in JIT)"),
                            infos.get(k));
                }
            }
        }
    }

    @Test
    void ptxForANewerDeviceOrWithoutTheJitIsRefused() throws Exception {
        String sm90 = ptxFile("sm90.ptx", "8.0", "sm_90", "gather_rows");
        String sm75 = ptxFile("sm75.ptx", "8.0", "sm_75", "gather_rows");
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", "cc=8.6"), "init", "ctx:0", "load:" + sm90,
                "load:" + sm75, "func:gather_rows", "func:dense_forward");
        assertEquals(List.of("218", "0"), values(r, "load"), "CUDA_ERROR_INVALID_PTX, then fine");
        assertTrue(values(r, "error").get(0).contains(".target (sm_90)"), values(r, "error").get(0));
        assertTrue(values(r, "info").get(1).contains("JIT PTX .version 8.0 .target sm_75 for device cc 8.6"));
        assertEquals(List.of("0", "500"), values(r, "func"), "the module holds only the entries its image names");
        r = run(Map.of("GCL_STANDIN_JIT", "missing"), "init", "ctx:0", "load:" + sm75, "loaddata:" + sm75);
        assertEquals(221, r.code("load"), "CUDA_ERROR_JIT_COMPILER_NOT_FOUND");
        assertEquals(221, r.code("loaddata"));
        assertTrue(r.get("error").contains("GCL_STANDIN_JIT=missing"), r.get("error"));
    }

    @Test
    void aCubinRunsOnItsMajorVersionAndAnyMinorAtLeastItsOwn() throws Exception {
        List<Entry> t = tiny();
        String only7586 = file("sm75-86.fatbin", fatbin(List.of(pick(t, ELF, 75), pick(t, ELF, 86))));
        String only80 = file("sm80.fatbin", fatbin(List.of(pick(t, ELF, 80))));
        String only90 = file("sm90.fatbin", fatbin(List.of(pick(t, ELF, 90))));
        String sm90ptx90 = file("sm90-ptx90.fatbin", fatbin(List.of(pick(t, ELF, 90), pick(t, PTX, 90))));
        String[] images = {only7586, only80, only90, sm90ptx90};
        Map<String, List<String>> expected = Map.of(
                "8.0", List.of("209", "cubin sm_80", "209", "209"),
                "8.6", List.of("cubin sm_86", "cubin sm_80", "209", "209"),
                "8.9", List.of("cubin sm_86", "cubin sm_80", "209", "209"),
                "7.5", List.of("cubin sm_75", "209", "209", "209"),
                "10.0", List.of("209", "209", "209", "JIT PTX compute_90"));
        for (var e : expected.entrySet()) {
            List<String> commands = new ArrayList<>(List.of("init", "ctx:0"));
            for (String image : images) commands.add("load:" + image);
            StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", "cc=" + e.getKey()),
                    commands.toArray(String[]::new));
            List<String> loads = values(r, "load"), infos = values(r, "info"), errors = values(r, "error");
            for (int k = 0; k < images.length; k++) {
                String want = e.getValue().get(k);
                String where = "cc " + e.getKey() + ", " + Path.of(images[k]).getFileName();
                if (want.equals("209")) {
                    assertEquals("209", loads.get(k), where + ": CUDA_ERROR_NO_BINARY_FOR_GPU");
                    assertTrue(errors.get(k).contains("no kernel image for device cc " + e.getKey()), errors.get(k));
                } else {
                    assertEquals("0", loads.get(k), where + ": " + errors.get(k));
                    assertTrue(infos.get(k).contains(want + " ") || infos.get(k).contains("loaded " + want + " "),
                            where + ": " + infos.get(k));
                }
            }
        }
    }

    @Test
    void aBareCubinLoadsOnlyWhereItRuns() throws Exception {
        String cubin = file("sm86.cubin", pick(tiny(), ELF, 86).payload());
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", "cc=8.9;cc=8.0"), "init", "ctx:0",
                "load:" + cubin, "func:gather_rows", "ctx:1", "load:" + cubin);
        assertEquals(List.of("0", "209"), values(r, "load"));
        assertTrue(values(r, "info").get(0).contains("loaded cubin sm_86 for device cc 8.9"));
        assertEquals(0, r.code("func"), "the cubin's symbol table names gather_rows");
    }

    @Test
    void aCuda13CubinNeedsACuda13DriverUnlessUsablePtxRemains() throws Exception {
        List<Entry> t = tiny();
        Entry sm80 = pick(t, ELF, 80), ptx90 = pick(t, PTX, 90);
        Entry ptx80lowered = ptx90.withText(ptx90.text().replace(".version 9.0", ".version 7.0")
                .replace(".target sm_90", ".target sm_80"));
        ByteBuffer.wrap(ptx80lowered.header()).order(ByteOrder.LITTLE_ENDIAN).putInt(28, 80);
        String sm80ptx90 = file("a.fatbin", fatbin(List.of(sm80, ptx90)));
        String sm80ptx80 = file("b.fatbin", fatbin(List.of(sm80, ptx80lowered)));
        String sm80by128 = file("c.fatbin", fatbin(List.of(sm80.patched("release 13.0", "release 12.8"))));
        Entry noNote = sm80.patched(".note.nv.tkinfo", ".note.nv.tkinfX");
        String noNotePtx90 = file("d.fatbin", fatbin(List.of(noNote, ptx90)));
        Entry ptx90at80 = ptx90.withText(ptx90.text().replace(".version 9.0", ".version 8.0"));
        String noNotePtxIsa80 = file("e.fatbin", fatbin(List.of(noNote, ptx90at80)));
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DRIVER", "12.8", "GCL_STANDIN_DEVICES", "cc=8.6"),
                "init", "ctx:0", "load:" + sm80ptx90, "load:" + sm80ptx80, "load:" + sm80by128,
                "load:" + noNotePtx90, "load:" + noNotePtxIsa80);
        List<String> loads = values(r, "load"), infos = values(r, "info"), errors = values(r, "error");
        assertEquals(List.of("200", "0", "0", "200", "0"), loads, "CUDA_ERROR_INVALID_IMAGE where nothing is usable");
        assertTrue(errors.get(0).contains("built by CUDA 13.0, newer than this driver (CUDA 12.8)"), errors.get(0));
        assertTrue(infos.get(1).contains("JIT PTX compute_80 .version 7.0"), infos.get(1));
        assertTrue(infos.get(2).contains("loaded cubin sm_80 for device cc 8.6"), "a 12.8 cubin: " + infos.get(2));
        assertTrue(errors.get(3).contains("built by CUDA 13.0"), "no note: the PTX's .version 9.0 says 13");
        assertTrue(infos.get(4).contains("loaded cubin sm_80"), "no note, PTX ISA 8.0: CUDA 12: " + infos.get(4));
        r = run(Map.of("GCL_STANDIN_DEVICES", "cc=8.6"), "init", "ctx:0", "load:" + sm80ptx90);
        assertTrue(r.get("info").contains("loaded cubin sm_80 for device cc 8.6"), "the 13.0 driver loads it");
    }

    @Test
    void theBuildsOwnImagesLoadWhereTheDriverRulesSay() throws Exception {
        Path classes = Path.of("target", "classes", "dev", "gcl", "backend", "cuda");
        Path fatbin = classes.resolve("gcl_kernels.fatbin"), ptx = classes.resolve("gcl_kernels.ptx");
        Assumptions.assumeTrue(Files.exists(fatbin) && Files.exists(ptx), "the kernels were not built (no nvcc)");
        String ptxImage = file("kernels.ptx", (Files.readString(ptx) + "\0").getBytes(StandardCharsets.US_ASCII));
        Matcher target = Pattern.compile("(?m)^\\.target sm_(\\d+)").matcher(Files.readString(ptx));
        assertTrue(target.find());
        int ptxTarget = Integer.parseInt(target.group(1));
        for (String cc : List.of("7.5", "8.0", "8.6", "9.0", "10.0", "12.0")) {
            int device = Integer.parseInt(cc.replace(".", ""));
            StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", "cc=" + cc), "init", "ctx:0",
                    "load:" + fatbin, "func:gather_rows");
            if (r.code("load") == 0) {
                Matcher m = Pattern.compile("loaded cubin sm_\\d+ for device cc " + cc + "|JIT PTX compute_\\d+ ")
                        .matcher(r.get("info"));
                assertTrue(m.find(), r.get("info"));
                assertEquals(0, r.code("func"));
            } else {
                assertEquals(209, r.code("load"), cc + ": " + r.get("error"));
            }
            if (device >= 80) assertEquals(0, r.code("load"), "driver 13.0 loads the fatbin on " + cc);
            r = run(Map.of("GCL_STANDIN_DEVICES", "cc=" + cc, "GCL_STANDIN_DRIVER", "12.8"), "init", "ctx:0",
                    "load:" + fatbin, "load:" + ptxImage);
            List<String> loads = values(r, "load"), infos = values(r, "info");
            assertFalse(infos.get(0).contains("loaded cubin"), "a 12.8 driver never loads nvcc 13 cubins: " + infos);
            assertEquals(device >= ptxTarget ? "0" : "218", loads.get(1), cc + ": the lowered PTX for CUDA 12");
        }
    }

    // ------------------------------------------------------------ memory

    @Test
    void memoryIsTheDevicesAndRunsOutThere() throws Exception {
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", "memory=1GiB;memory=64MiB"), "init", "ctx:0",
                "meminfo", "alloc:1000000", "meminfo", "allocall:300000000", "meminfo", "ctx:1", "meminfo",
                "alloc:67108864", "alloc:1", "ctx:0", "freeall", "meminfo");
        List<String> free = values(r, "free"), total = values(r, "total");
        assertEquals(List.of(1L << 30, (1L << 30) - 1_000_000, (1L << 30) - 901_000_000, 64L << 20, 1L << 30),
                free.stream().map(Long::parseLong).toList());
        assertEquals(64L << 20, Long.parseLong(total.get(3)));
        assertEquals("3", r.get("allocs"), "three of 300 MB fit in what 1 MB left of 1 GiB");
        assertEquals(2, r.code("allocfail"), "CUDA_ERROR_OUT_OF_MEMORY");
        assertEquals(List.of("0", "0", "2"), values(r, "alloc"), "the second device is its own 64 MiB");
    }

    // ------------------------------------------------------------ faults

    @Test
    void theNthCallFailsWithItsCode() throws Exception {
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_FAIL", "cuMemAlloc_v2:2,cuMemAlloc_v2:4:700,cuInit:1:100,"
                        + "cuModuleLoadData:1:200,cuModuleLoadDataEx:1:218,cuLaunchKernel:1,cuCtxSynchronize:1"),
                "init", "init", "ctx:0", "alloc:4", "alloc:4", "alloc:4", "alloc:4", "alloc:4",
                "load:" + ptxFile("f.ptx", "7.0", "sm_80", "gather_rows"), "ptx:gather_rows", "ptx:gather_rows",
                "gather", "gather", "sync", "sync");
        assertEquals(List.of("100", "0"), values(r, "init"));
        assertEquals(List.of("0", "2", "0", "700", "0"), values(r, "alloc"), "default code for allocations: 2");
        assertEquals(List.of("200", "0"), values(r, "ptx"));
        assertEquals(218, r.code("load"));
        assertEquals(List.of("719", "0"), values(r, "launch"), "default code for launches: 719");
        assertEquals(List.of("999", "0"), values(r, "sync"), "default code otherwise: CUDA_ERROR_UNKNOWN");
        r = run(Map.of("GCL_STANDIN_FAIL", "cuDevicePrimaryCtxRetain:1:46"), "init", "ctx:0", "ctx:0");
        assertEquals(List.of("46", "0"), values(r, "retain"));
    }

    @Test
    void aStickyFaultSucceedsThenFailsEveryCallOfTheContext() throws Exception {
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_FAIL", "cuLaunchKernel:2:700:sticky"), "init", "ctx:0",
                "ptx:gather_rows", "gather", "gather", "sync", "alloc:4", "stream");
        assertEquals(List.of("0", "0"), values(r, "launch"), "the faulting launch itself returns success");
        assertEquals("1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0", values(r, "gathered").get(0));
        assertEquals(List.of("0", "700"), values(r, "copyback"));
        assertEquals(700, r.code("sync"));
        assertEquals(700, r.code("alloc"));
        assertEquals(700, r.code("stream"));
        assertEquals(List.of("0", "700"), values(r, "gather"), "frees too");
    }

    @Test
    void aTf32KernelTrapsBelowComputeCapability80() throws Exception {
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_DEVICES", "cc=7.5"), "init", "ctx:0",
                "ptx:gather_rows+dense_forward_tf32", "tf32", "sync", "alloc:4");
        assertEquals(0, r.code("tf32"), "launched; the trap surfaces at the next call");
        assertEquals(719, r.code("sync"), "CUDA_ERROR_LAUNCH_FAILED, sticky");
        assertEquals(719, r.code("alloc"));
        assertTrue(r.stderr().contains("dense_forward_tf32 trapped"), r.stderr());
    }

    @Test
    void theCorruptKernelsOutputIsWrongButFinite() throws Exception {
        StandInProcess.Result plain = run(Map.of("GCL_STANDIN_CORRUPT", "rmsprop"), "init", "ctx:0",
                "ptx:gather_rows", "gather");
        assertEquals("1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0", plain.get("gathered"), "another kernel is untouched");
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_CORRUPT", "gather_rows"), "init", "ctx:0",
                "ptx:gather_rows", "gather");
        assertEquals("2.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0", r.get("gathered"),
                "dst[0] = 1 + 0.5 * (|1| + 1); src (const float*) untouched");
    }

    // ------------------------------------------------------------ the report at exit

    @Test
    void theReportCountsWhatIsStillHeldAtExit() throws Exception {
        Path clean = tmp.resolve("clean.txt"), leaky = tmp.resolve("leaky.txt"), exit = tmp.resolve("exit.txt");
        run(Map.of("GCL_STANDIN_REPORT", clean.toString()), "init", "ctx:0", "ctx:0", "ptx:gather_rows",
                "alloc:100", "stream", "event", "host", "gather", "unload", "freeall", "release:0", "release:0");
        assertEquals(held(0, 0, 0, 0, 0, 0, 0, 1, 2), report(clean, true),
                "retained twice, released twice: the context and what it owned are gone");
        run(Map.of("GCL_STANDIN_REPORT", leaky.toString()), "init", "ctx:0", "ptx:gather_rows", "alloc:100",
                "stream", "event", "host", "gather");
        assertEquals(held(1, 100, 1, 1, 1, 1, 1, 1, 2), report(leaky, true), "gather: one launch, two copies");
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_REPORT", exit.toString()), "init", "ctx:0", "alloc:64",
                "exit:3");
        assertEquals(3, r.exitCode());
        assertEquals(1L, report(exit, false).get("contexts"), "written on System.exit too");
        assertTrue(report(exit, false).get("calls") >= 4, "init, retain, set current, alloc at least");
    }

    /** The report's values but calls, with no graphs and no graph launches. */
    private static Map<String, Long> held(long allocations, long bytes, long contexts, long modules, long streams,
            long events, long host, long launches, long syncs) {
        return Map.ofEntries(Map.entry("allocations", allocations), Map.entry("bytes", bytes),
                Map.entry("contexts", contexts), Map.entry("modules", modules), Map.entry("streams", streams),
                Map.entry("events", events), Map.entry("host", host), Map.entry("launches", launches),
                Map.entry("syncs", syncs), Map.entry("graphs", 0L), Map.entry("graph_launches", 0L));
    }

    // ------------------------------------------------------------ stream capture and graphs (issue 30)

    @Test
    void aCapturedSequenceReplayedByAGraphIsBitIdenticalToTheSameLaunchesRunDirectly() throws Exception {
        StandInProcess.Result r = run(Map.of(), "init", "ctx:0", "ptx:rmsprop", "rms:direct:3", "rms:graph:3",
                "rms:graph:1");
        assertEquals(List.of("0", "0", "0"), values(r, "rms"), r.stderr());
        assertEquals(List.of("true", "true"), values(r, "rmsuntouched"), "captured work is recorded, not run");
        assertEquals(List.of("true", "true", "true"), values(r, "rmschanged"));
        List<String> bits = values(r, "rmsbits");
        assertEquals(bits.get(0), bits.get(1), "three graph launches = the sequence run three times, bit for bit: "
                + values(r, "rmsfirst"));
        assertNotEquals(bits.get(0), bits.get(2), "one graph launch is one sequence, not three");
        assertEquals(List.of(), values(r, "rmslaunch"), "every launch accepted");
    }

    @Test
    void aHostWaitDuringCaptureFailsAndInvalidatesTheCapture() throws Exception {
        StandInProcess.Result r = run(Map.of(), "init", "ctx:0", "ptx:gather_rows", "gprep", "mystream:1",
                "begin:0", "glaunchk", "capturing", "ssync", "capturing", "glaunchk", "end",
                "begin:0", "htod", "end",
                "begin:0", "sync", "end",
                "begin:2", "htod", "glaunchk", "end",
                "begin:0", "begin:0", "end", "end");
        assertEquals(List.of("1", "2"), values(r, "capturing"), "active, then invalidated");
        assertEquals(900, r.code("ssync"), "CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED");
        assertEquals(List.of("0", "901", "0"), values(r, "glaunchk"), "work after the invalidation is refused");
        assertEquals(List.of("900", "0"), values(r, "htod"), "a synchronous copy: refused in global mode, not relaxed");
        assertEquals(900, r.code("sync"));
        assertEquals(List.of("0", "0", "0", "0", "0", "401"), values(r, "begin"), "capturing twice: ILLEGAL_STATE");
        assertEquals(List.of("901", "901", "901", "0", "0", "401"), values(r, "end"),
                "CUDA_ERROR_STREAM_CAPTURE_INVALIDATED; ending twice: ILLEGAL_STATE");
        // the legacy (NULL) stream joins a capturing blocking stream: its work invalidates the capture
        r = run(Map.of(), "init", "ctx:0", "ptx:gather_rows", "mystream:0", "begin:2", "gather", "end");
        assertEquals(906, r.code("launch"), "CUDA_ERROR_STREAM_CAPTURE_IMPLICIT");
        assertEquals(901, r.code("end"));
    }

    @Test
    void graphHandlesAreCheckedForLifeAndTheReportCountsThem() throws Exception {
        Path file = tmp.resolve("graphs.txt");
        StandInProcess.Result r = run(Map.of("GCL_STANDIN_REPORT", file.toString()), "init", "ctx:0",
                "ptx:gather_rows", "gprep", "mystream:1", "begin:0", "glaunchk", "glaunchk", "end", "instantiate",
                "upload", "glaunch", "glaunch", "gdestroy", "gdestroy", "glaunch", "xdestroy", "xdestroy", "glaunch",
                "upload", "instantiate", "begin:0", "glaunchk", "end", "instantiate");
        assertEquals(List.of("0", "0"), values(r, "begin"), r.stderr());
        assertEquals(List.of("0", "0"), values(r, "end"));
        assertEquals(List.of("0", "0", "0"), values(r, "glaunchk"), "recorded");
        assertEquals(List.of("0", "0", "0", "400"), values(r, "glaunch"),
                "the executable graph outlives its graph; destroyed, it is CUDA_ERROR_INVALID_HANDLE");
        assertEquals(List.of("0", "400"), values(r, "gdestroy"));
        assertEquals(List.of("0", "400"), values(r, "xdestroy"));
        assertEquals(List.of("0", "400"), values(r, "upload"));
        assertEquals(List.of("0", "400", "0"), values(r, "instantiate"), "a destroyed graph cannot be instantiated");
        Map<String, Long> report = report(file, true);
        assertEquals(2L, report.get("graphs"), "the last graph and its executable graph are still alive");
        assertEquals(4L, report.get("graph_launches"), "every cuGraphLaunch call, the refused one too");
        assertEquals(3L + 3 * 2, report.get("launches"), "three cuLaunchKernel calls, captured; three replays of two");
        assertEquals(1L, report.get("syncs"), "gprep's synchronous copy");
    }

    private static Map<String, Long> report(Path file, boolean withoutCalls) throws IOException {
        assertTrue(Files.exists(file), "the stand-in wrote " + file);
        String line = Files.readString(file).strip();
        assertFalse(line.contains("\n"), "one line: " + line);
        Map<String, Long> out = new java.util.TreeMap<>();
        for (String pair : line.split(" ")) {
            String[] kv = pair.split("=");
            out.put(kv[0], Long.parseLong(kv[1]));
        }
        assertEquals(List.of("allocations", "bytes", "calls", "contexts", "events", "graph_launches", "graphs", "host",
                "launches", "modules", "streams", "syncs"), List.copyOf(out.keySet()));
        if (withoutCalls) out.remove("calls");
        return out;
    }
}
