package dev.gcl.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * What native-build/build-kernels.sh bundled, checked without a GPU: a fatbin, a PTX lowered for CUDA 12 drivers,
 * and every kernel the backend launches present in both. Skipped when the build machine had no nvcc.
 */
class KernelResourcesTest {
    private static final int FATBIN_MAGIC = 0xBA55ED50;

    @BeforeEach
    void requireBundledKernels() {
        Assumptions.assumeTrue(KernelImage.bundled(),
                "kernels not bundled: nvcc was absent when this build ran (native-build/build-kernels.sh)");
    }

    @Test
    void fatbinIsAnUncompressedFatbinWithEveryKernel() {
        byte[] fatbin = KernelImage.resource(KernelImage.FATBIN);
        assertNotNull(fatbin, "gcl_kernels.fatbin");
        assertEquals(FATBIN_MAGIC, ByteBuffer.wrap(fatbin).order(ByteOrder.LITTLE_ENDIAN).getInt(0), "fatbin magic");
        String text = new String(fatbin, StandardCharsets.ISO_8859_1);
        // --no-compress keeps the embedded compute_90 PTX as text
        assertTrue(text.contains(".target sm_90"), "embedded compute_90 PTX is uncompressed");
        for (String kernel : CudaRuntime.KERNELS) assertTrue(text.contains(kernel), "fatbin lacks " + kernel);
    }

    @Test
    void ptxIsLoweredForCuda12DriversAndHoldsExactlyTheLaunchedKernels() {
        byte[] bytes = KernelImage.resource(KernelImage.PTX);
        assertNotNull(bytes, "gcl_kernels.ptx");
        String ptx = new String(bytes, StandardCharsets.US_ASCII);
        Properties props = KernelImage.buildProperties();
        assertEquals("7.0", props.getProperty("ptx.version"));
        assertTrue(ptx.contains("\n.version 7.0\n"), "PTX .version lowered to 7.0");
        assertTrue(ptx.contains("\n.target sm_80\n"), "PTX for compute_80");
        Set<String> entries = new TreeSet<>();
        Matcher m = Pattern.compile("\\.entry (\\w+)").matcher(ptx);
        while (m.find()) entries.add(m.group(1));
        assertEquals(new TreeSet<>(CudaRuntime.KERNELS), entries, "kernels in the PTX vs those CudaBackend launches");
        assertEquals(new TreeSet<>(Arrays.asList(props.getProperty("entries").trim().split(" "))), entries);
    }

    @Test
    void tf32KernelsUseTensorCoreInstructionsInThePtxLoweredTo70() {
        String ptx = new String(KernelImage.resource(KernelImage.PTX), StandardCharsets.US_ASCII);
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
        String ptx = new String(KernelImage.resource(KernelImage.PTX), StandardCharsets.US_ASCII);
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
        Path kernels = Path.of("kernels");
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
