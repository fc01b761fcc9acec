package dev.gcl.backend.cuda;

import jcuda.CudaException;

/**
 * The checks one device passes before gcl uses it, each failure named with what to do: compute capability,
 * compute mode, its primary context, the kernel image, the canary. A device that fails keeps nothing: the context
 * is released and the module unloaded.
 */
final class DeviceCheck {
    private DeviceCheck() {}

    static CudaProbe.DeviceVerdict check(DeviceInfo d, int driverVersion) {
        if (d.compute() < KernelImage.MIN_COMPUTE) {
            return refuse(d, "device too old: compute capability " + d.major() + "." + d.minor()
                    + ", the kernels need 7.5 or newer (T4, A100, RTX 20xx and later)");
        }
        if (d.computeMode() == DeviceInfo.MODE_PROHIBITED) {
            return refuse(d, "the GPU's compute mode is PROHIBITED: no process may use it (an administrator can "
                    + "lift it with nvidia-smi -i " + d.ordinal() + " -c DEFAULT)");
        }
        CudaRuntime runtime;
        try {
            runtime = new CudaRuntime(d, driverVersion);
        } catch (ModuleLoader.LoadFailure e) {
            return refuse(d, "kernels do not load: " + e.getMessage());
        } catch (CudaException e) {
            return refuse(d, contextFailure(d, e));
        } catch (RuntimeException | LinkageError e) {
            return refuse(d, "setting up the device failed: " + e);
        }
        KernelCanary.Verdict canary;
        try {
            canary = KernelCanary.check(runtime, driverVersion);
        } catch (RuntimeException e) {
            canary = new KernelCanary.Verdict(false, "canary failed: " + e.getMessage());
        }
        if (!canary.passed()) {
            runtime.release();
            return refuse(d, canary.detail() + " (kernels from the " + runtime.loaded.description()
                    + "; train with --backend blas, and report the GPU, driver and this line)");
        }
        return new CudaProbe.DeviceVerdict(d, runtime, canary.detail());
    }

    private static CudaProbe.DeviceVerdict refuse(DeviceInfo d, String reason) {
        return new CudaProbe.DeviceVerdict(d, null, reason);
    }

    /** A failure to retain or use the primary context, named by its likely cause. */
    static String contextFailure(DeviceInfo d, CudaException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("CUDA_ERROR_DEVICE_UNAVAILABLE") || m.contains("CUDA_ERROR_DEVICE_BUSY")) {
            if (d.computeMode() == DeviceInfo.MODE_EXCLUSIVE_PROCESS) {
                return "busy: the GPU is in EXCLUSIVE_PROCESS mode and another process holds it (nvidia-smi shows "
                        + "which); wait for it, or choose another GPU with --device N or CUDA_VISIBLE_DEVICES";
            }
            return "unavailable (" + m + "): another process or the compute mode keeps it (nvidia-smi -q -d COMPUTE)";
        }
        if (m.contains("CUDA_ERROR_OUT_OF_MEMORY")) {
            return "no memory left for a context (" + m + "): other processes fill the GPU (nvidia-smi shows them)";
        }
        return "the device's context failed: " + m;
    }
}
