package dev.gcl.backend.cuda;

import jcuda.driver.JCudaDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

/**
 * The driver as this process finds it, probed once (JCuda's driver class cannot be initialised again after its
 * native library failed to load): libcuda.so.1 loads, cuInit succeeds, the driver is CUDA 12.0 or newer, and the
 * visible devices (the driver applies CUDA_VISIBLE_DEVICES). {@link #problem()} names what is missing, else null.
 */
final class CudaDriver {
    static final int MIN_DRIVER = 12000;   // CUDA 12.0, as cuDriverGetVersion reports it

    private static CudaDriver cached;

    private final String problem;
    private final int version;
    private final List<DeviceInfo> devices;

    private CudaDriver(String problem, int version, List<DeviceInfo> devices) {
        this.problem = problem;
        this.version = version;
        this.devices = devices;
    }

    static synchronized CudaDriver get() {
        if (cached == null) cached = probe();
        return cached;
    }

    /** Why CUDA cannot be used at all on this machine, or null when the driver works and sees devices. */
    String problem() {
        return problem;
    }

    /** cuDriverGetVersion: 13000 for CUDA 13.0; 0 when the driver did not load. */
    int version() {
        return version;
    }

    /** The visible devices (empty when {@link #problem()} is not null). */
    List<DeviceInfo> devices() {
        return devices;
    }

    private static CudaDriver problem(String why, int version) {
        return new CudaDriver(why, version, List.of());
    }

    private static CudaDriver probe() {
        ensureTmpDir();
        try {
            JCudaDriver.setExceptionsEnabled(true);  // the first touch loads libJCudaDriver, which needs libcuda
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            return problem(linkFailure(e), 0);
        }
        try {
            cuInit(0);
        } catch (Throwable e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("NO_DEVICE")) return problem("no CUDA device: " + m + visibleDevicesNote(), 0);
            return problem("cuInit failed: " + m + cuInitAdvice(m), 0);
        }
        int[] value = new int[1];
        cuDriverGetVersion(value);
        int driver = value[0];
        if (driver < MIN_DRIVER) {
            return problem("driver too old: CUDA " + version(driver) + ", needs " + version(MIN_DRIVER)
                    + " or newer (NVIDIA driver 525 or newer; 580 or newer loads the kernels without compiling)", driver);
        }
        cuDeviceGetCount(value);
        if (value[0] < 1) return problem("no CUDA device (driver CUDA " + version(driver) + ")" + visibleDevicesNote(), driver);
        List<DeviceInfo> devices = new ArrayList<>();
        for (int d = 0; d < value[0]; d++) devices.add(DeviceInfo.read(d));
        return new CudaDriver(null, driver, List.copyOf(devices));
    }

    private static String visibleDevicesNote() {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        return visible == null ? "" : " (CUDA_VISIBLE_DEVICES=" + visible + " hides the others)";
    }

    private static String cuInitAdvice(String m) {
        if (m.contains("CUDA_ERROR_INSUFFICIENT_DRIVER") || m.contains("CUDA_ERROR_COMPAT")) {
            return " (the kernel module and libcuda.so.1 disagree: reboot after a driver update, or reinstall the driver)";
        }
        if (m.contains("CUDA_ERROR_OPERATING_SYSTEM") || m.contains("CUDA_ERROR_UNKNOWN")) {
            return " (is /dev/nvidia* readable by this user, and the nvidia kernel module loaded? nvidia-smi tells)";
        }
        return "";
    }

    /** JCuda extracts its natives into java.io.tmpdir; a private folder per JVM may not exist yet. */
    private static void ensureTmpDir() {
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (Exception ignored) {
            // JCuda's own error then says what went wrong
        }
    }

    /** The phrases of a dynamic linker's message that say why a library did not load. */
    private static final List<String> LINK_CAUSES = List.of("cannot open shared object file", "GLIBC_",
            "GLIBCXX_", "failed to map segment", "wrong ELF class", "Permission denied", "No space left",
            "undefined symbol", "version `");

    /**
     * JCuda's message spans many lines (both load attempts with stack traces); keep the line that says why the
     * extracted library did not load, e.g. "libcuda.so.1: cannot open shared object file: No such file or
     * directory", "/lib64/libc.so.6: version `GLIBC_2.34' not found" or, for a noexec java.io.tmpdir, "failed to
     * map segment from shared object".
     */
    static String linkFailure(Throwable e) {
        String message = String.valueOf(e.getMessage());
        List<String> lines = message.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("at "))
                .toList();
        String why = lines.isEmpty() ? message : lines.get(0);
        search:
        for (String cause : LINK_CAUSES) {
            for (String line : lines) {
                if (line.contains(cause)) {
                    why = line.contains("libcuda") ? line.substring(line.indexOf("libcuda")) : line;
                    break search;
                }
            }
        }
        if (message.contains("libcuda.so") && why.contains("cannot open shared object file")) {
            return "no libcuda.so.1 (no NVIDIA driver on this machine): " + why;
        }
        String advice = "";
        if (why.contains("failed to map segment")) {
            advice = " (java.io.tmpdir " + System.getProperty("java.io.tmpdir")
                    + " is mounted noexec: start java with -Djava.io.tmpdir=<a folder that allows executables>)";
        } else if (why.contains("GLIBC")) {
            advice = " (this system's C library is older than JCuda's natives need)";
        }
        return "JCuda's driver library does not load: " + e.getClass().getSimpleName() + ": " + why + advice;
    }

    /** "13.0" for 13000. */
    static String version(int driver) {
        return driver / 1000 + "." + (driver % 1000) / 10;
    }
}
