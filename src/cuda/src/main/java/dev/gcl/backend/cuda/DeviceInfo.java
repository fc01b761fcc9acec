package dev.gcl.backend.cuda;

import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;

/**
 * One visible CUDA device as the driver describes it before any context exists: its ordinal among the visible
 * devices (CUDA_VISIBLE_DEVICES applies), name, compute capability, memory and compute mode.
 */
record DeviceInfo(int ordinal, CUdevice device, String name, int major, int minor, long totalBytes, int computeMode) {
    /** CUcomputemode values (cuDeviceGetAttribute COMPUTE_MODE). */
    static final int MODE_DEFAULT = 0, MODE_PROHIBITED = 2, MODE_EXCLUSIVE_PROCESS = 3;

    /** Reads device ordinal's description from the driver. */
    static DeviceInfo read(int ordinal) {
        CUdevice device = new CUdevice();
        cuDeviceGet(device, ordinal);
        byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, device);
        int n = 0;
        while (n < nameBytes.length && nameBytes[n] != 0) n++;
        long[] total = new long[1];
        try {
            cuDeviceTotalMem(total, device);
        } catch (jcuda.CudaException e) {
            total[0] = 0;  // unknown; the free-memory check reads cuMemGetInfo on the context anyway
        }
        return new DeviceInfo(ordinal, device, new String(nameBytes, 0, n, StandardCharsets.UTF_8),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), total[0],
                computeMode(device));
    }

    private static int computeMode(CUdevice device) {
        try {
            return attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_MODE);
        } catch (jcuda.CudaException e) {
            return MODE_DEFAULT;  // a driver that does not say: context creation tells
        }
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        cuDeviceGetAttribute(value, attribute, device);
        return value[0];
    }

    /** Compute capability as major * 10 + minor: 75, 80, 90, 120. */
    int compute() {
        return major * 10 + minor;
    }

    /** "GPU 0 (NVIDIA H200, compute capability 9.0)". */
    String label() {
        return "GPU " + ordinal + " (" + name + ", compute capability " + major + "." + minor + ")";
    }

    /** "141.0 GiB". */
    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
