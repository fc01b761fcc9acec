package dev.gcl.backend.cuda;

import dev.gcl.backend.Probe;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

/**
 * Whether this machine can run the {@link CudaBackend}, and why not (available() is true when one can be created;
 * reason() names the device, driver and kernel image used, or what is missing). Probed once per process and
 * cached: JCuda's driver class cannot be initialised a second time after its native library failed to load, and a
 * failed probe must never throw. The checks, in order: libcuda.so.1 loads, a device exists, the driver is CUDA 12.0 or newer,
 * the device is compute capability 8.0 or newer, the kernels were bundled by the build, and the module loads.
 *
 * <pre>{@code
 * CudaProbe probe = CudaProbe.get();
 * Assumptions.assumeTrue(probe.available(), probe.reason());
 * }</pre>
 */
public final class CudaProbe extends Probe {
    static final int MIN_DRIVER = 12000;   // CUDA 12.0, as cuDriverGetVersion reports it
    static final int MIN_COMPUTE_MAJOR = 8; // the oldest target in the fatbin and the PTX is sm_80

    private static CudaProbe cached;

    private final CudaRuntime runtime;

    private CudaProbe(boolean available, String reason, CudaRuntime runtime) {
        super("cuda", available, reason);
        this.runtime = runtime;
    }

    /** The verdict for this process (probed on first call). Never throws. */
    public static synchronized CudaProbe get() {
        if (cached == null) cached = probe();
        return cached;
    }

    /** The shared device state; only when available. */
    CudaRuntime runtime() {
        if (!available()) throw new IllegalStateException("CUDA backend unavailable: " + reason());
        return runtime;
    }

    private static CudaProbe unavailable(String reason) {
        return new CudaProbe(false, reason, null);
    }

    private static CudaProbe probe() {
        try {
            ensureTmpDir();
            try {
                JCudaDriver.setExceptionsEnabled(true);  // the first touch loads libJCudaDriver, which needs libcuda
            } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
                return unavailable(linkFailure(e));
            }
            try {
                cuInit(0);
            } catch (Throwable e) {
                String m = String.valueOf(e.getMessage());
                return unavailable((m.contains("NO_DEVICE") ? "no CUDA device: " : "cuInit failed: ") + m);
            }
            int[] value = new int[1];
            cuDriverGetVersion(value);
            int driver = value[0];
            if (driver < MIN_DRIVER) {
                return unavailable("driver too old: CUDA " + version(driver) + ", needs " + version(MIN_DRIVER)
                        + " or newer");
            }
            cuDeviceGetCount(value);
            if (value[0] < 1) return unavailable("no CUDA device (driver CUDA " + version(driver) + ")");
            CUdevice device = new CUdevice();
            cuDeviceGet(device, 0);
            int[] major = new int[1], minor = new int[1];
            cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
            cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
            byte[] nameBytes = new byte[256];
            cuDeviceGetName(nameBytes, nameBytes.length, device);
            String name = cString(nameBytes);
            if (major[0] < MIN_COMPUTE_MAJOR) {
                return unavailable("device too old: " + name + " is compute capability " + major[0] + "."
                        + minor[0] + ", the kernels need " + MIN_COMPUTE_MAJOR + ".0 or newer");
            }
            Optional<KernelImage> image = KernelImage.forDriver(driver);
            if (image.isEmpty()) {
                return unavailable("kernels not bundled: this build had no nvcc (no "
                        + (driver >= KernelImage.FATBIN_MIN_DRIVER ? KernelImage.FATBIN : KernelImage.PTX)
                        + " on the classpath)");
            }
            CudaRuntime runtime;
            try {
                runtime = new CudaRuntime(device, image.get());
            } catch (Throwable e) {
                return unavailable("kernels do not load (" + image.get().kind() + " on driver CUDA "
                        + version(driver) + "): " + e);
            }
            return new CudaProbe(true, name + ", compute capability " + major[0] + "." + minor[0]
                    + ", driver CUDA " + version(driver) + ", kernels from the " + image.get().kind(), runtime);
        } catch (Throwable e) {
            return unavailable("probe failed: " + e);
        }
    }

    /** JCuda extracts its natives into java.io.tmpdir; a private folder per JVM may not exist yet. */
    private static void ensureTmpDir() {
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (Exception ignored) {
            // JCuda's own error then says what went wrong
        }
    }

    /**
     * JCuda's message spans many lines (both load attempts with stack traces); keep the line that says why the
     * extracted library did not load, e.g. "...libJCudaDriver-12.6.0-linux-x86_64.so: libcuda.so.1: cannot open
     * shared object file: No such file or directory".
     */
    static String linkFailure(Throwable e) {
        String message = String.valueOf(e.getMessage());
        String why = message.lines().findFirst().orElse(message);
        for (String line : message.lines().toList()) {
            int at = line.indexOf("libcuda");
            if (at >= 0) {
                why = line.substring(at);
                break;
            }
        }
        if (message.contains("libcuda.so")) return "no libcuda.so.1 (no NVIDIA driver on this machine): " + why;
        return "JCuda's driver library does not load: " + e.getClass().getSimpleName() + ": " + why;
    }

    private static String version(int driver) {
        return driver / 1000 + "." + (driver % 1000) / 10;
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
