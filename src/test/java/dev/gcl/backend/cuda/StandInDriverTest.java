package dev.gcl.backend.cuda;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static jcuda.driver.JCudaDriver.cuDeviceGetName;
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
 * buffer faults. Runs only against the stand-in (the Surefire execution "cuda-standin"); skipped on a GPU.
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
        cuModuleLoadData(module, KernelImage.forDriver(13000).orElseThrow().moduleData());
        assertCudaError("CUDA_ERROR_NOT_FOUND", () -> cuModuleGetFunction(new CUfunction(), module, "dense_fwd"));
        CUfunction known = new CUfunction();
        cuModuleGetFunction(known, module, "dense_forward");
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

    @Test
    void theDeviceReportsComputeCapability80() {
        CUdevice d = runtime.device;
        int[] major = new int[1];
        jcuda.driver.JCudaDriver.cuDeviceGetAttribute(major,
                jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
        assertEquals(8, major[0], "the limits emulated are sm_80's");
    }
}
