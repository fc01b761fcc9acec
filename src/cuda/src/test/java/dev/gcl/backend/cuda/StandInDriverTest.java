package dev.gcl.backend.cuda;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The stand-in libcuda.so.1 (native-build/standin) answers like the device where the CUDA backend could go wrong:
 * it names itself as the CPU emulation, refuses double frees, transfers outside an allocation, unknown kernels
 * and launches beyond sm_80's limits with the driver's error codes, and a kernel that touches one element past a
 * buffer faults; its cp.async emulation lands each copy only at the issuing thread's wait, so a kernel that reads a
 * stage before the wait or before the barrier after everyone's waits sees the wrong data (the probe kernel of
 * native-build/standin/gcl_standin_probes.cu). Runs only against the stand-in (the Surefire execution
 * "cuda-standin"); skipped on a GPU.
 */
class StandInDriverTest {
    private CudaRuntime runtime;

    @BeforeEach
    void requireStandIn() {
        CudaTesting.assumeCuda();
        Assumptions.assumeTrue(CudaTesting.onStandIn(), "the driver is a GPU's, not the stand-in: "
                + CudaProbe.get().reason());
        runtime = CudaProbe.get().runtime();
        runtime.makeCurrent();
    }

    private static void assertCudaError(String code, Runnable call) {
        CudaException e = assertThrows(CudaException.class, call::run);
        assertTrue(e.getMessage().contains(code), "expected " + code + ", got " + e.getMessage());
    }

    private static CUdeviceptr alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        cuMemAlloc(p, bytes);
        return p;
    }

    @Test
    void theDeviceNamesItselfAsTheCpuEmulation() {
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, runtime.device);
        String s = new String(name, StandardCharsets.UTF_8);
        assertTrue(s.startsWith("CPU emulation (gcl stand-in libcuda.so.1, not a GPU)"), s);
        assertTrue(CudaProbe.get().reason().startsWith("CPU emulation"), CudaProbe.get().reason());
        assertTrue(new CudaBackend().description().contains("not a GPU"), "what run.json and gcl info show");
    }

    @Test
    void freeingTwiceIsAnError() {
        CUdeviceptr p = alloc(64);
        cuMemFree(p);
        assertCudaError("CUDA_ERROR_INVALID_VALUE", () -> cuMemFree(p));
    }

    @Test
    void copiesAndMemsetsOutsideAnAllocationAreErrors() {
        CUdeviceptr p = alloc(10 * Float.BYTES);
        float[] host = new float[11];
        assertCudaError("CUDA_ERROR_INVALID_VALUE", () -> cuMemcpyHtoD(p, Pointer.to(host), 11L * Float.BYTES));
        assertCudaError("CUDA_ERROR_INVALID_VALUE", () -> cuMemcpyDtoH(Pointer.to(host), p.withByteOffset(4),
                10L * Float.BYTES));
        assertCudaError("CUDA_ERROR_INVALID_VALUE", () -> cuMemsetD32(p.withByteOffset(8), 0, 9));
        cuMemsetD32(p.withByteOffset(8), 0x3f800000, 8);  // exactly to the end: fine
        cuMemcpyDtoH(Pointer.to(host), p, 10L * Float.BYTES);
        assertEquals(1f, host[9]);
        assertEquals(0f, host[1], "memory comes zeroed and the memset started at element 2");
        cuMemFree(p);
    }

    @Test
    void unknownKernelsAreNotFound() {
        CUmodule module = new CUmodule();
        cuModuleLoadData(module, KernelImage.candidates(13000, 80).get(0).moduleData());
        assertCudaError("CUDA_ERROR_NOT_FOUND", () -> cuModuleGetFunction(new CUfunction(), module, "dense_fwd"));
        CUfunction known = new CUfunction();
        cuModuleGetFunction(known, module, "dense_forward");
    }

    @Test
    void streamsEventsAndPageLockedCopiesWorkAndDeadHandlesAreRefused() {
        CUstream stream = new CUstream();
        cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        CUevent done = new CUevent();
        cuEventCreate(done, 0);
        Pointer pinned = new Pointer();
        cuMemAllocHost(pinned, 8L * Float.BYTES);
        java.nio.FloatBuffer view = pinned.getByteBuffer(0, 8L * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        for (int k = 0; k < 8; k++) view.put(k, k + 0.5f);
        CUdeviceptr src = alloc(8 * Float.BYTES), dst = alloc(8 * Float.BYTES), indices = alloc(4);
        cuMemcpyHtoDAsync(src, pinned, 8L * Float.BYTES, stream);
        cuEventRecord(done, stream);
        cuStreamWaitEvent(stream, done, 0);
        cuMemsetD32(indices, 0, 1);
        Pointer params = Pointer.to(Pointer.to(src), Pointer.to(indices), Pointer.to(new int[] {0}),
                Pointer.to(dst), Pointer.to(new int[] {1}), Pointer.to(new int[] {8}));
        cuLaunchKernel(runtime.function("gather_rows"), 1, 1, 1, 32, 1, 1, 0, stream, params, null);
        for (int k = 0; k < 8; k++) view.put(k, -1f);
        cuMemcpyDtoHAsync(pinned, dst, 8L * Float.BYTES, stream);
        cuStreamSynchronize(stream);
        cuEventSynchronize(done);
        for (int k = 0; k < 8; k++) assertEquals(k + 0.5f, view.get(k), "element " + k + " went there and back");
        cuEventDestroy(done);
        cuStreamDestroy(stream);
        assertCudaError("CUDA_ERROR_INVALID_HANDLE", () -> cuStreamSynchronize(stream));
        assertCudaError("CUDA_ERROR_INVALID_HANDLE", () -> cuEventRecord(done, null));
        assertCudaError("CUDA_ERROR_INVALID_HANDLE",
                () -> cuLaunchKernel(runtime.function("gather_rows"), 1, 1, 1, 32, 1, 1, 0, stream, params, null));
        cuMemFreeHost(pinned);
        assertCudaError("CUDA_ERROR_INVALID_VALUE", () -> cuMemFreeHost(pinned));
        for (CUdeviceptr p : new CUdeviceptr[] {src, dst, indices}) cuMemFree(p);
    }

    /** gather_rows with 1 row of `cols` columns from src row 0: the kernel reads src[0 .. cols). */
    private void gather(CUdeviceptr src, CUdeviceptr indices, CUdeviceptr dst, int cols, int blockX) {
        Pointer params = Pointer.to(Pointer.to(src), Pointer.to(indices), Pointer.to(new int[] {0}),
                Pointer.to(dst), Pointer.to(new int[] {1}), Pointer.to(new int[] {cols}));
        cuLaunchKernel(runtime.function("gather_rows"), 1, 1, 1, blockX, 1, 1, 0, null, params, null);
    }

    @Test
    void aKernelReadingOneElementPastABufferFaults() {
        int cols = 37;
        CUdeviceptr src = alloc((cols - 1) * Float.BYTES), indices = alloc(Integer.BYTES), dst = alloc(cols * 4L);
        cuMemsetD32(indices, 0, 1);
        assertCudaError("CUDA_ERROR_ILLEGAL_ADDRESS", () -> gather(src, indices, dst, cols, 256));
        CUdeviceptr big = alloc(cols * Float.BYTES);
        gather(big, indices, dst, cols, 256);  // the same launch within bounds runs, and the driver still works
        for (CUdeviceptr p : new CUdeviceptr[] {src, indices, dst, big}) cuMemFree(p);
    }

    @Test
    void launchesBeyondTheDevicesLimitsAreRefused() {
        CUdeviceptr src = alloc(64), indices = alloc(4), dst = alloc(64);
        cuMemsetD32(indices, 0, 1);
        assertCudaError("CUDA_ERROR_INVALID_VALUE", () -> gather(src, indices, dst, 16, 2048));
        // gather_rows is __launch_bounds__(256): 512 threads per block is more than it was compiled for
        assertCudaError("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES", () -> gather(src, indices, dst, 16, 512));
        gather(src, indices, dst, 16, 256);
        for (CUdeviceptr p : new CUdeviceptr[] {src, indices, dst}) cuMemFree(p);
    }

    // gcl_standin_cp_async_probe's modes (native-build/standin/gcl_standin_probes.cu)
    private static final int CORRECT = 0, NO_WAIT = 1, WAIT_OLDEST = 2, NO_BARRIER = 3, MISALIGNED = 4,
            PAST_THE_END = 5;
    private static final int POISON = 0xffffffff;  // what an issued, not yet landed copy leaves in shared memory

    /** The stand-in's cp.async probe kernel. */
    private static CUfunction probe() {
        return standInProbe("gcl_standin_cp_async_probe");
    }

    /** One of the stand-in's own probe kernels, resolved through a PTX text image that names its entry. */
    private static CUfunction standInProbe(String entry) {
        String ptx = ".version 7.0\n.target sm_80\n.address_size 64\n"
                + ".visible .entry " + entry + "(\n)\n{\n}\n\0";
        CUmodule module = new CUmodule();
        cuModuleLoadData(module, ptx.getBytes(StandardCharsets.US_ASCII));
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, module, entry);
        return f;
    }

    /** The probe in this mode over src[k] = k + 1: out[8t + e] = what thread t saw of thread t + 1's copies. */
    private static int[] probe(int mode) {
        float[] src = new float[512];
        for (int k = 0; k < src.length; k++) src[k] = k + 1;
        CUdeviceptr s = alloc(512L * Float.BYTES), out = alloc(512L * Float.BYTES);
        try {
            cuMemcpyHtoD(s, Pointer.to(src), 512L * Float.BYTES);
            Pointer params = Pointer.to(Pointer.to(s), Pointer.to(out), Pointer.to(new int[] {mode}));
            cuLaunchKernel(probe(), 1, 1, 1, 64, 1, 1, 0, null, params, null);
            int[] seen = new int[512];
            cuMemcpyDtoH(Pointer.to(seen), out, 512L * Float.BYTES);
            return seen;
        } finally {
            cuMemFree(s);
            cuMemFree(out);
        }
    }

    /** Thread u's stage 0 (16-byte copy, 8 bytes read for odd u) and stage 1 (4-byte copies, u % 5 of 4 read). */
    private static int landed(int u, int e) {
        boolean read = e < 4 ? e < (u % 2 == 0 ? 4 : 2) : e - 4 < u % 5;
        return Float.floatToRawIntBits(read ? (e < 4 ? 4 * u + e : 256 + 4 * u + e - 4) + 1 : 0f);
    }

    @Test
    void cpAsyncCopiesLandAtTheWaitWithTheirZeroFill() {
        int[] seen = probe(CORRECT);
        for (int t = 0; t < 64; t++) {
            for (int e = 0; e < 8; e++) assertEquals(landed((t + 1) % 64, e), seen[8 * t + e], "thread " + t + ", " + e);
        }
    }

    @Test
    void readingACpAsyncStageBeforeItsWaitSeesNoData() {
        // block 0 runs its threads in order after the barrier; thread 63 reads thread 0's stage after thread 0 has
        // returned from the kernel, which completes its copies
        int[] seen = probe(NO_WAIT);
        for (int k = 0; k < 8 * 63; k++) assertEquals(POISON, seen[k], "element " + k + " before any wait");
        for (int e = 0; e < 8; e++) assertEquals(landed(0, e), seen[8 * 63 + e], "thread 63 reads thread 0's, done");
        seen = probe(WAIT_OLDEST);  // wait_group 1: the older group is complete, the newer not
        for (int t = 0; t < 63; t++) {
            for (int e = 0; e < 8; e++) {
                assertEquals(e < 4 ? landed(t + 1, e) : POISON, seen[8 * t + e], "thread " + t + ", " + e);
            }
        }
    }

    @Test
    void readingAnotherThreadsCpAsyncCopyWithoutABarrierSeesNoData() {
        int[] seen = probe(NO_BARRIER);
        // block 0 runs its threads in order: thread t < 63 reads thread t + 1's stage before t + 1 issued anything
        for (int t = 0; t < 63; t++) {
            for (int e = 0; e < 8; e++) assertEquals(Float.floatToRawIntBits(-1f), seen[8 * t + e], "thread " + t);
        }
        for (int e = 0; e < 8; e++) assertEquals(landed(0, e), seen[8 * 63 + e], "thread 63 reads thread 0's, done");
    }

    @Test
    void misalignedOrOutOfBoundsCpAsyncFails() {
        assertCudaError("CUDA_ERROR_MISALIGNED_ADDRESS", () -> probe(MISALIGNED));
        assertCudaError("CUDA_ERROR_ILLEGAL_ADDRESS", () -> probe(PAST_THE_END));
        probe(CORRECT);  // the driver still works
    }

    // gcl_standin_ldmatrix_probe (native-build/standin/gcl_standin_probes.cu): mode = matrices loaded, or 0
    private static final int LDMATRIX_MISALIGNED = 0, LDMATRIX_SENTINEL = 0xdeadbeef;

    /** The ldmatrix probe over a table of 64 rows of 4 words, word (r, c) = 1000·r + c: out[4l + i] = lane l's d[i]. */
    private static int[] ldmatrixProbe(int mode) {
        int[] src = new int[256];
        for (int k = 0; k < src.length; k++) src[k] = 1000 * (k / 4) + k % 4;
        CUdeviceptr s = alloc(256L * Integer.BYTES), out = alloc(128L * Integer.BYTES);
        try {
            cuMemcpyHtoD(s, Pointer.to(src), 256L * Integer.BYTES);
            Pointer params = Pointer.to(Pointer.to(s), Pointer.to(out), Pointer.to(new int[] {mode}));
            cuLaunchKernel(standInProbe("gcl_standin_ldmatrix_probe"), 1, 1, 1, 32, 1, 1, 0, null, params, null);
            int[] seen = new int[128];
            cuMemcpyDtoH(Pointer.to(seen), out, 128L * Integer.BYTES);
            return seen;
        } finally {
            cuMemFree(s);
            cuMemFree(out);
        }
    }

    /**
     * The PTX ISA's ldmatrix fragment layout ("Warp-level matrix load instruction: ldmatrix", .m8n8 .b16): lanes
     * 8i .. 8i + 7 supply the row addresses of matrix i, and lane l receives of matrix i row l / 4, elements
     * 2·(l % 4) and 2·(l % 4) + 1, i.e. the 32-bit word l % 4 of that 16-byte row. The probe's lane j points at
     * table row (7j + 3) % 64; lanes past the loaded matrices supply misaligned addresses that must be ignored.
     */
    @Test
    void ldmatrixDeliversThePtxFragmentLayout() {
        for (int matrices : new int[] {1, 2, 4}) {
            int[] seen = ldmatrixProbe(matrices);
            for (int lane = 0; lane < 32; lane++) {
                for (int i = 0; i < 4; i++) {
                    int supplier = 8 * i + lane / 4;
                    int expected = i < matrices ? 1000 * ((7 * supplier + 3) % 64) + lane % 4 : LDMATRIX_SENTINEL;
                    assertEquals(expected, seen[4 * lane + i], ".x" + matrices + ", lane " + lane + ", register " + i);
                }
            }
        }
    }

    @Test
    void ldmatrixFromAMisalignedRowFails() {
        assertCudaError("CUDA_ERROR_MISALIGNED_ADDRESS", () -> ldmatrixProbe(LDMATRIX_MISALIGNED));
        ldmatrixProbe(4);  // the driver still works
    }

    /** dense_forward_tf32_big on a 1 × 100 · (100 × 1)ᵀ product (4 k slices: every stage is used). */
    private static void tf32BigForward(CUfunction kernel, int sharedBytes) {
        CUdeviceptr in = alloc(100 * 4), w = alloc(100 * 4), b = alloc(4), out = alloc(4);
        try {
            Pointer params = Pointer.to(Pointer.to(in), Pointer.to(w), Pointer.to(b), Pointer.to(out),
                    Pointer.to(new int[] {1}), Pointer.to(new int[] {100}), Pointer.to(new int[] {1}),
                    Pointer.to(new int[] {0}));
            cuLaunchKernel(kernel, 1, 1, 1, 128, 1, 1, sharedBytes, null, params, null);
        } finally {
            for (CUdeviceptr p : new CUdeviceptr[] {in, w, b, out}) cuMemFree(p);
        }
    }

    /**
     * Dynamic shared memory above 48 KB needs the function's CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES raised
     * first (at most the device's opt-in limit, sm_80's 163 KB); a kernel given less than it uses faults past the
     * end, as on the device (where compute-sanitizer's memcheck reports it).
     */
    @Test
    void dynamicSharedMemoryAbove48KbNeedsTheAttribute() {
        int shared = CudaRuntime.TF32_BIG_SHARED_BYTES;
        assertTrue(shared > 48 * 1024, "the big TF32 tile's stages need more than 48 KB");
        CUmodule module = new CUmodule();
        cuModuleLoadData(module, KernelImage.candidates(13000, 80).get(0).moduleData());
        CUfunction fresh = new CUfunction();
        cuModuleGetFunction(fresh, module, "dense_forward_tf32_big");
        assertCudaError("CUDA_ERROR_INVALID_VALUE", () -> tf32BigForward(fresh, shared));
        int[] optin = new int[1];
        jcuda.driver.JCudaDriver.cuDeviceGetAttribute(optin,
                jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, runtime.device);
        assertEquals(163 * 1024, optin[0], "sm_80's opt-in limit per block");
        int attribute = jcuda.driver.CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES;
        assertCudaError("CUDA_ERROR_INVALID_VALUE",
                () -> jcuda.driver.JCudaDriver.cuFuncSetAttribute(fresh, attribute, optin[0] + 1));
        jcuda.driver.JCudaDriver.cuFuncSetAttribute(fresh, attribute, shared);
        tf32BigForward(fresh, shared);
        assertCudaError("CUDA_ERROR_INVALID_VALUE", () -> tf32BigForward(fresh, shared + 16));
        assertCudaError("CUDA_ERROR_ILLEGAL_ADDRESS", () -> tf32BigForward(fresh, shared / 2));
        tf32BigForward(runtime.function("dense_forward_tf32_big"), runtime.dynamicSharedBytes("dense_forward_tf32_big"));
    }

    @Test
    void theDeviceReportsComputeCapability80() {
        CUdevice d = runtime.device;
        int[] major = new int[1];
        jcuda.driver.JCudaDriver.cuDeviceGetAttribute(major,
                jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
        assertEquals(8, major[0], "the limits emulated are sm_80's");
    }
}
