package dev.gcl.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What native-build/build-kernels.sh put into the classes (the committed images of native-build/kernel-images/, or
 * the same built by nvcc), checked without a GPU: a fatbin with a cubin per listed arch and compute_90 PTX, a PTX
 * for sm_80 and one for sm_75 lowered for CUDA 11/12 drivers, every kernel the backend launches in each, and the
 * TF32 kernels trap-only for sm_75. Skipped when the build bundled no kernels.
 */
class KernelResourcesTest {
    private static final int FATBIN_MAGIC = 0xBA55ED50;
    private static final int EM_CUDA = 190;
    private static final String DIR = "/dev/gcl/backend/cuda/";
    /** Instructions that sm_75 lacks (the TF32 paths: tensor-core tf32 mma, tf32 rounding, async copies, ldmatrix). */
    private static final Pattern SM80_ONLY = Pattern.compile("\\b(mma\\.sync|cvt\\.rna\\.tf32|cp\\.async|ldmatrix)\\b");

    @BeforeEach
    void requireBundledKernels() {
        Assumptions.assumeTrue(resource("gcl_kernels.properties") != null,
                "kernels not bundled: build-kernels.sh found neither committed images nor nvcc");
    }

    static byte[] resource(String file) {
        try (InputStream in = KernelResourcesTest.class.getResourceAsStream(DIR + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Properties manifest() {
        Properties p = new Properties();
        try {
            p.load(new ByteArrayInputStream(resource("gcl_kernels.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static String text(String file) {
        byte[] bytes = resource(file);
        assertNotNull(bytes, file);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** One entry of a fatbin: kind 1 = PTX, 2 = ELF (a cubin); arch as the number of sm_XX; its payload. */
    record FatbinEntry(int kind, int arch, byte[] payload) {
        String name() {
            return (kind == 1 ? "compute_" : "sm_") + arch;
        }
    }

    /**
     * The entries of a fatbin: a 16-byte header (magic 0xBA55ED50, u16 version, u16 header size, u64 size of the
     * entries), then per entry a header (u16 kind, u16 version, u32 header size, u64 payload size, ..., u32 arch at
     * byte 28) and its payload, back to back, exactly filling the size.
     */
    static List<FatbinEntry> fatbinEntries(byte[] fatbin) {
        ByteBuffer b = ByteBuffer.wrap(fatbin).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(FATBIN_MAGIC, b.getInt(0), "fatbin magic");
        int headerSize = Short.toUnsignedInt(b.getShort(6));
        long end = headerSize + b.getLong(8);
        assertEquals(fatbin.length, end, "the fatbin header's size covers the file");
        List<FatbinEntry> entries = new ArrayList<>();
        long off = headerSize;
        while (off < end) {
            int at = Math.toIntExact(off);
            int kind = Short.toUnsignedInt(b.getShort(at));
            long entryHeader = Integer.toUnsignedLong(b.getInt(at + 4));
            long payloadSize = b.getLong(at + 8);
            int arch = b.getInt(at + 28);
            int from = Math.toIntExact(off + entryHeader);
            entries.add(new FatbinEntry(kind, arch, Arrays.copyOfRange(fatbin, from, Math.toIntExact(from + payloadSize))));
            off += entryHeader + payloadSize;
        }
        assertEquals(end, off, "fatbin entries end where the header says");
        return entries;
    }

    @Test
    void fatbinHasACubinPerListedArchAndUncompressedCompute90Ptx() {
        Properties props = manifest();
        List<FatbinEntry> entries = fatbinEntries(resource(props.getProperty("image.fatbin.file")));
        List<String> cubins = new ArrayList<>();
        List<String> ptx = new ArrayList<>();
        for (FatbinEntry e : entries) {
            String payload = new String(e.payload(), StandardCharsets.ISO_8859_1);
            if (e.kind() == 2) {
                cubins.add(e.name());
                ByteBuffer elf = ByteBuffer.wrap(e.payload()).order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(0x464C457F, elf.getInt(0), e.name() + ": ELF magic");
                assertEquals(EM_CUDA, Short.toUnsignedInt(elf.getShort(0x12)), e.name() + ": e_machine EM_CUDA");
                assertEquals(e.arch(), (elf.getInt(0x30) >>> 8) & 0xFF, e.name() + ": the cubin's own arch (e_flags)");
            } else {
                assertEquals(1, e.kind(), "fatbin entry kind (1 PTX, 2 ELF)");
                ptx.add("compute_" + e.arch());
                // --no-compress keeps the embedded PTX as text
                assertTrue(payload.contains("\n.target sm_" + e.arch() + "\n"), "uncompressed PTX for compute_" + e.arch());
                assertTrue(payload.contains("\n.version " + props.getProperty("image.fatbin.ptx.version") + "\n"));
            }
            for (String kernel : CudaRuntime.KERNELS) assertTrue(payload.contains(kernel), e.name() + " lacks " + kernel);
        }
        assertEquals(List.of("sm_75", "sm_80", "sm_86", "sm_89", "sm_90", "sm_100", "sm_120"), cubins);
        assertEquals(Arrays.asList(props.getProperty("image.fatbin.cubins").split(" ")), cubins);
        assertEquals(List.of("compute_90"), ptx);
        assertEquals(List.of(props.getProperty("image.fatbin.ptx")), ptx);
    }

    private static Set<String> ptxEntries(String ptx) {
        Set<String> entries = new TreeSet<>();
        Matcher m = Pattern.compile("\\.entry (\\w+)").matcher(ptx);
        while (m.find()) entries.add(m.group(1));
        return entries;
    }

    @Test
    void ptxIsLoweredForCuda12DriversAndHoldsExactlyTheLaunchedKernels() {
        Properties props = manifest();
        for (String image : List.of("ptx", "ptx75")) {
            String ptx = text(props.getProperty("image." + image + ".file"));
            assertEquals("7.0", props.getProperty("image." + image + ".ptx.version"));
            assertTrue(ptx.contains("\n.version 7.0\n"), image + ": PTX .version lowered to 7.0");
            assertTrue(ptx.contains("\n.target " + props.getProperty("image." + image + ".target") + "\n"), image + ": .target");
            Set<String> entries = ptxEntries(ptx);
            assertEquals(new TreeSet<>(CudaRuntime.KERNELS), entries, image + ": kernels in the PTX vs those CudaBackend launches");
            assertEquals(new TreeSet<>(Arrays.asList(props.getProperty("entries").trim().split(" "))), entries);
        }
        assertEquals("sm_80", props.getProperty("image.ptx.target"));
        assertEquals("sm_75", props.getProperty("image.ptx75.target"));
    }

    /** The body of an entry, from its opening brace to its closing one. */
    private static String body(String ptx, String kernel) {
        int at = ptx.indexOf(".entry " + kernel + "(");
        assertTrue(at >= 0, kernel + " in the PTX");
        int open = ptx.indexOf("\n{\n", at);
        return ptx.substring(open, ptx.indexOf("\n}\n", open) + 3);
    }

    /** The instructions of a PTX body: lines ending in ';' that are neither directives nor comments. */
    private static List<String> instructions(String body) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            String t = line.strip();
            if (t.endsWith(";") && !t.startsWith(".") && !t.startsWith("//")) out.add(t);
        }
        return out;
    }

    /** TF32 needs CC 8.0: for sm_75 its kernels exist (every name resolves) but only trap; nothing else traps. */
    @Test
    void sm75PtxHasNoSm80InstructionsAndItsTf32KernelsOnlyTrap() {
        String ptx = text(manifest().getProperty("image.ptx75.file"));
        Matcher sm80 = SM80_ONLY.matcher(ptx);
        assertFalse(sm80.find(), () -> "sm_75 PTX uses " + sm80.group());
        for (String kernel : CudaRuntime.KERNELS) {
            List<String> code = instructions(body(ptx, kernel));
            boolean trapOnly = code.contains("trap;") && new TreeSet<>(code).equals(new TreeSet<>(List.of("trap;", "ret;")));
            assertEquals(kernel.contains("_tf32"), trapOnly, kernel + (trapOnly ? " only traps on sm_75" : " is not trap-only on sm_75") + ": " + code.size() + " instructions");
        }
        assertEquals("8.0", manifest().getProperty("tf32.min.cc"));
        // and for sm_80 they are real: the same kernels, no trap
        String ptx80 = text(manifest().getProperty("image.ptx.file"));
        for (String kernel : CudaRuntime.KERNELS) {
            assertFalse(instructions(body(ptx80, kernel)).contains("trap;"), kernel + " traps in the sm_80 PTX");
        }
    }

    @Test
    void tf32KernelsUseTensorCoreInstructionsInThePtxLoweredTo70() {
        String ptx = text(manifest().getProperty("image.ptx.file"));
        String forward = ptx.substring(ptx.indexOf(".entry dense_forward_tf32"));
        forward = forward.substring(0, forward.indexOf("\n}\n"));
        assertTrue(forward.contains("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32"), "tensor-core mma");
        assertTrue(forward.contains("cvt.rna.tf32.f32"), "inputs rounded to TF32 to nearest");
        assertFalse(forward.contains("atom."), "no atomics: deterministic");
        String fp32 = ptx.substring(ptx.indexOf(".entry dense_forward("));
        fp32 = fp32.substring(0, fp32.indexOf("\n}\n"));
        assertFalse(fp32.contains("mma.sync"), "the FP32 kernel stays FP32");
    }

    @Test
    void bigTf32KernelsLoadFragmentsWithLdmatrixFromDynamicSharedMemory() {
        String ptx = text(manifest().getProperty("image.ptx.file"));
        String forward = ptx.substring(ptx.indexOf(".entry dense_forward_tf32_big("));
        forward = forward.substring(0, forward.indexOf("\n}\n"));
        assertTrue(forward.contains("ldmatrix.sync.aligned.m8n8.x4.shared.b16"), "ldmatrix fragment loads");
        assertTrue(forward.contains("gcl_dynamic_shared_memory"), "stages in dynamic shared memory");
        assertFalse(Pattern.compile("\\.shared [^\\n]*gemm_tile_tf32_big").matcher(ptx).find(),
                "no static shared arrays in the big TF32 tile (they would count against the dynamic limit)");
    }

    /** The sources' "gcl-dynamic-shared-bytes BYTES KERNEL..." lines (read by the build scripts) and the host agree. */
    @Test
    void theHostGivesEachKernelTheDynamicSharedMemoryItsSourceDeclares() throws IOException {
        Path kernels = dev.gcl.testing.TestData.REPO.resolve("kernels");
        Assumptions.assumeTrue(Files.isDirectory(kernels), "no kernels/ sources here (a device bundle)");
        Map<String, Integer> declared = new TreeMap<>();
        Pattern marker = Pattern.compile("gcl-dynamic-shared-bytes (\\d+)((?: \\w+)+)");
        try (DirectoryStream<Path> sources = Files.newDirectoryStream(kernels, "*.cu")) {
            for (Path source : sources) {
                Matcher m = marker.matcher(Files.readString(source));
                while (m.find()) {
                    for (String kernel : m.group(2).trim().split(" ")) declared.put(kernel, Integer.parseInt(m.group(1)));
                }
            }
        }
        assertFalse(declared.isEmpty(), "dense_tf32_big.cu declares its dynamic shared memory");
        assertEquals(declared, new TreeMap<>(CudaRuntime.DYNAMIC_SHARED_BYTES));
    }

    @Test
    void imageChoiceFollowsTheDriverVersionAndTheComputeCapability() {
        assertEquals(List.of("fatbin", "ptx"), kinds(KernelImage.candidates(13000, 90)), "CUDA 13: machine code first");
        assertEquals(List.of("ptx", "fatbin"), kinds(KernelImage.candidates(12080, 86)), "CUDA 12: lowered PTX first");
        KernelImage ptx = KernelImage.candidates(12080, 86).get(0);
        assertEquals(0, ptx.moduleData()[ptx.moduleData().length - 1], "PTX handed to the driver NUL-terminated");
        KernelImage fatbin = KernelImage.candidates(13000, 90).get(0);
        assertFalse(fatbin.compilesFor(90), "sm_90 has a cubin");
        assertFalse(fatbin.compilesFor(86), "an sm_80 or sm_86 cubin runs on 8.6");
        assertTrue(fatbin.compilesFor(110), "no cubin of major 11: the driver compiles the PTX");
        assertTrue(ptx.compilesFor(86), "PTX is always compiled by the driver");
    }

    private static List<String> kinds(List<KernelImage> images) {
        return images.stream().map(KernelImage::kind).toList();
    }
}
