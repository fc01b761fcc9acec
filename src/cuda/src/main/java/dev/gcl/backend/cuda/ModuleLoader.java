package dev.gcl.backend.cuda;

import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JITOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static jcuda.driver.JCudaDriver.cuModuleLoadDataJIT;

/**
 * Loads the kernel module on the current context: the images of {@link KernelImage#candidates} in order, the next
 * one tried when the driver refuses one (an image it cannot read or that has no code for this GPU), the driver's
 * JIT log kept for the message. Loading PTX makes the driver compile it (a minute or more the first time on a
 * driver; its compute cache keeps the result): a line says so before, with a warning when that cache is off.
 */
final class ModuleLoader {
    private static final System.Logger LOG = System.getLogger("dev.gcl.backend.cuda");
    private static final int LOG_BYTES = 8192;
    /** The driver's answers that mean "not this image" rather than "not this GPU or process". */
    private static final List<String> REFUSALS = List.of("CUDA_ERROR_INVALID_IMAGE", "CUDA_ERROR_NO_BINARY_FOR_GPU",
            "CUDA_ERROR_INVALID_PTX", "CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "CUDA_ERROR_JIT_COMPILER_NOT_FOUND",
            "CUDA_ERROR_JIT_COMPILATION_DISABLED", "CUDA_ERROR_INVALID_SOURCE");

    private ModuleLoader() {}

    /** The module and how it was loaded. */
    record Loaded(CUmodule module, KernelImage image, boolean compiled, float wallMillis, String description) {}

    /** Every image refused, or no image bundled: the message names each attempt and the driver's log. */
    static final class LoadFailure extends Exception {
        LoadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Loads the first image the driver takes for a device of this compute capability (major * 10 + minor). */
    static Loaded load(DeviceInfo device, int driverVersion) throws LoadFailure {
        int compute = device.compute();
        List<KernelImage> candidates = KernelImage.candidates(driverVersion, compute);
        if (candidates.isEmpty()) {
            throw new LoadFailure("kernels not bundled: this jar has no " + KernelImage.PROPERTIES
                    + " (built by an old build script, or the kernel images were removed)", null);
        }
        List<String> attempts = new ArrayList<>();
        CudaException last = null;
        for (KernelImage image : candidates) {
            byte[] data = image.moduleData();
            if (data == null) {
                attempts.add(image.fileName() + ": missing from the jar");
                continue;
            }
            boolean compiles = image.compilesFor(compute);
            if (compiles) announceCompile(device, image, driverVersion);
            JITOptions jit = new JITOptions();
            jit.putBytes(CUjit_option.CU_JIT_INFO_LOG_BUFFER, new byte[LOG_BYTES]);
            jit.putInt(CUjit_option.CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
            jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[LOG_BYTES]);
            jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, LOG_BYTES);
            CUmodule module = new CUmodule();
            long start = System.nanoTime();  // JCuda reads CU_JIT_WALL_TIME's float back as an integer: time it here
            try {
                // JCuda's cuModuleLoadDataJIT returns its CUresult even with exceptions enabled
                int result = cuModuleLoadDataJIT(module, Pointer.to(data), jit);
                if (result != CUresult.CUDA_SUCCESS) throw new CudaException(CUresult.stringFor(result));
            } catch (CudaException e) {
                if (!refused(e)) throw e;
                last = e;
                String log = logText(jit, CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
                attempts.add(image.fileName() + ": " + e.getMessage() + (log.isEmpty() ? "" : " (" + log + ")"));
                continue;
            }
            float millis = (System.nanoTime() - start) / 1e6f;
            String how = image.describeFor(compute);
            if (compiles) {
                LOG.log(System.Logger.Level.INFO, String.format(Locale.ROOT,
                        "the driver compiled the CUDA kernels for %s in %.1f s", device.label(), millis / 1000));
            }
            if (!attempts.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "CUDA kernels: " + String.join("; ", attempts)
                        + "; loaded " + how + " instead");
            }
            return new Loaded(module, image, compiles, millis, how);
        }
        throw new LoadFailure("no kernel image loads on " + device.label() + " under driver CUDA "
                + CudaDriver.version(driverVersion) + ": " + String.join("; ", attempts)
                + advice(driverVersion, compute), last);
    }

    /** Whether the driver refused the image (so another may load), as opposed to failing for another reason. */
    static boolean refused(CudaException e) {
        String m = String.valueOf(e.getMessage());
        return REFUSALS.stream().anyMatch(m::contains);
    }

    private static String advice(int driverVersion, int compute) {
        if (compute < KernelImage.MIN_COMPUTE) return "";
        if (driverVersion < KernelImage.FATBIN_MIN_DRIVER) {
            return " (update the NVIDIA driver to 580 or newer, CUDA 13, which loads the machine code directly)";
        }
        return " (update the NVIDIA driver; or rebuild the kernels with nvcc for this GPU: native-build/build-kernels.sh)";
    }

    /** Says that the driver is about to compile PTX, and warns when its compute cache will not keep the result. */
    private static void announceCompile(DeviceInfo device, KernelImage image, int driverVersion) {
        LOG.log(System.Logger.Level.INFO, "the CUDA driver " + CudaDriver.version(driverVersion)
                + " compiles the kernels' PTX (" + image.fileName() + ") for " + device.label()
                + ": the first run on this driver takes a while; its compute cache keeps the result");
        String cacheProblem = computeCacheProblem();
        if (cacheProblem != null) {
            LOG.log(System.Logger.Level.WARNING, "the CUDA compute cache is " + cacheProblem
                    + ": every process compiles the kernels again");
        }
    }

    /**
     * Why the driver's JIT cache will not keep compiled kernels, or null: CUDA_CACHE_DISABLE=1, or a cache folder
     * (CUDA_CACHE_PATH, else ~/.nv/ComputeCache) that cannot be written.
     */
    static String computeCacheProblem() {
        if ("1".equals(System.getenv("CUDA_CACHE_DISABLE"))) {
            return "off (CUDA_CACHE_DISABLE=1; unset it)";
        }
        String configured = System.getenv("CUDA_CACHE_PATH");
        Path cache = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".nv", "ComputeCache");
        Path existing = cache;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null || !Files.isWritable(existing)) {
            return "not writable (" + cache + "; set CUDA_CACHE_PATH to a writable folder)";
        }
        return null;
    }

    private static String logText(JITOptions jit, int option) {
        try {
            String s = jit.getString(option);
            return s == null ? "" : s.strip().replace('\n', ' ');
        } catch (RuntimeException e) {
            return "";
        }
    }
}
