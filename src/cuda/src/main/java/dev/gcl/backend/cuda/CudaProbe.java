package dev.gcl.backend.cuda;

import dev.gcl.backend.Probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether this machine can run the {@link CudaBackend}, and why not: available() is true when one can be created;
 * reason() names the device, driver, kernel image and canary verdict used, or what is missing. Probed once per
 * process and cached; a probe never throws and, when it fails, holds nothing on the GPU.
 *
 * <p>The checks, in order: the driver ({@link CudaDriver}: libcuda.so.1 loads, cuInit, CUDA 12.0 or newer, a
 * visible device), then per device: compute capability 7.5 or newer, a compute mode that admits this process, its
 * primary context (a busy exclusive-process GPU is named as such), a kernel image the driver loads
 * ({@link ModuleLoader}), every kernel resolved, and the {@link KernelCanary} passing. Which devices: the one named
 * by {@code GCL_CUDA_DEVICE} (or {@code -Dgcl.cuda.device}, which {@code gcl --device N} sets), else the visible
 * devices in order until one passes; a device that fails is skipped with its reason.
 *
 * <pre>{@code
 * CudaProbe probe = CudaProbe.get();
 * Assumptions.assumeTrue(probe.available(), probe.reason());
 * }</pre>
 */
public final class CudaProbe extends Probe {
    /** The environment variable (and, lower-cased with dots, the system property) naming the device to use. */
    public static final String DEVICE_VARIABLE = "GCL_CUDA_DEVICE";
    public static final String DEVICE_PROPERTY = "gcl.cuda.device";

    private static CudaProbe cached;
    /** Device verdicts by ordinal, probed on first need. */
    private static final Map<Integer, DeviceVerdict> VERDICTS = new TreeMap<>();

    private final CudaRuntime runtime;
    private final boolean devicePresent;

    private CudaProbe(boolean available, String reason, CudaRuntime runtime, boolean devicePresent) {
        super("cuda", available, reason);
        this.runtime = runtime;
        this.devicePresent = devicePresent;
    }

    /** One device's verdict: usable with its runtime, or why not. */
    record DeviceVerdict(DeviceInfo device, CudaRuntime runtime, String reason) {
        boolean usable() {
            return runtime != null;
        }
    }

    /** The verdict for this process (probed on first call). Never throws. */
    public static synchronized CudaProbe get() {
        if (cached == null) {
            try {
                cached = probe();
            } catch (Throwable e) {
                cached = new CudaProbe(false, "probe failed: " + e, null, false);
            }
        }
        return cached;
    }

    /**
     * True when an NVIDIA driver sees at least one device, usable or not: then falling back to the CPU is news a
     * user must hear (a warning), not the ordinary case of a machine without a GPU.
     */
    public boolean devicePresent() {
        return devicePresent;
    }

    /** The runtime of the device chosen first; only when available. */
    CudaRuntime runtime() {
        if (!available()) throw new IllegalStateException("CUDA backend unavailable: " + reason());
        return runtime;
    }

    /**
     * The device a new backend goes to: the pinned one, else the usable device with the fewest open backends
     * (probing the next visible device when every usable one is busy), so that the runs of
     * {@code gcl sweep --jobs N} spread over the visible GPUs. Throws IllegalStateException when none is usable.
     */
    static synchronized CudaRuntime place() {
        CudaProbe probe = get();
        CudaRuntime first = probe.runtime();
        if (pinned() != null) return first;
        CudaRuntime best = null;
        for (DeviceVerdict v : VERDICTS.values()) {
            if (v.usable() && (best == null || v.runtime().openBackends() < best.openBackends())) best = v.runtime();
        }
        if (best == null || best.openBackends() > 0) {
            CudaDriver driver = CudaDriver.get();
            for (DeviceInfo d : driver.devices()) {
                if (VERDICTS.containsKey(d.ordinal())) continue;
                DeviceVerdict v = verdict(d, driver.version());
                if (v.usable()) return v.runtime();
            }
        }
        return best == null ? first : best;
    }

    /**
     * Why a run needing this many bytes does not fit on the device a new backend would get, or null when it fits
     * (or CUDA is unavailable: that is the probe's own reason).
     */
    static synchronized String memoryRefusal(long bytes) {
        if (!get().available()) return null;
        CudaRuntime r = place();
        long[] memory = r.memory();
        if (memory[0] >= bytes) return null;
        return "the run needs about " + DeviceInfo.gib(bytes) + " of device memory, " + DeviceInfo.gib(memory[0])
                + " free of " + DeviceInfo.gib(memory[1]) + " on " + r.info.label();
    }

    /** Free bytes on the device a new backend would get, or -1 when CUDA is unavailable. */
    static synchronized long freeBytes() {
        return get().available() ? place().memory()[0] : -1;
    }

    /** The device named by GCL_CUDA_DEVICE / -Dgcl.cuda.device, or null. */
    static String pinned() {
        String p = System.getProperty(DEVICE_PROPERTY, System.getenv(DEVICE_VARIABLE));
        return p == null || p.isBlank() ? null : p.strip();
    }

    /**
     * One line per visible device probed so far, for {@code gcl info}: the device, memory, image, whether the
     * driver compiled it, free memory and the canary's verdict, or why it is not used.
     */
    public static synchronized List<String> deviceLines() {
        get();
        List<String> lines = new ArrayList<>();
        CudaDriver driver = CudaDriver.get();
        for (DeviceInfo d : driver.devices()) {
            DeviceVerdict v = VERDICTS.get(d.ordinal());
            String head = d.label() + ", " + DeviceInfo.gib(d.totalBytes()) + ", driver CUDA "
                    + CudaDriver.version(driver.version());
            if (v == null) {
                lines.add(head + ": not probed (an earlier device passed)");
            } else if (!v.usable()) {
                lines.add(head + ": unusable: " + v.reason());
            } else {
                long[] memory = v.runtime().memory();
                lines.add(head + ": kernels from the " + v.runtime().loaded.description()
                        + (v.runtime().loaded.compiled() ? String.format(java.util.Locale.ROOT,
                        " (compiled by the driver in %.1f s)", v.runtime().loaded.wallMillis() / 1000) : "")
                        + ", " + DeviceInfo.gib(memory[0]) + " free, " + v.reason());
            }
        }
        return lines;
    }

    private static CudaProbe probe() {
        CudaDriver driver = CudaDriver.get();
        if (driver.problem() != null) return new CudaProbe(false, driver.problem(), null, false);
        List<DeviceInfo> devices = driver.devices();
        String pin = pinned();
        List<DeviceInfo> order = devices;
        if (pin != null) {
            int n;
            try {
                n = Integer.parseInt(pin);
            } catch (NumberFormatException e) {
                return new CudaProbe(false, "device '" + pin + "' (" + DEVICE_VARIABLE + "/--device) is not a "
                        + "number: name a device by its index among the visible ones, 0 to " + (devices.size() - 1),
                        null, true);
            }
            if (n < 0 || n >= devices.size()) {
                return new CudaProbe(false, "device " + n + " (" + DEVICE_VARIABLE + "/--device) does not exist: "
                        + devices.size() + " CUDA device" + (devices.size() == 1 ? " is" : "s are")
                        + " visible (0 to " + (devices.size() - 1) + ")" + visibleNote(), null, true);
            }
            order = List.of(devices.get(n));
        }
        List<String> skipped = new ArrayList<>();
        for (DeviceInfo d : order) {
            DeviceVerdict v = verdict(d, driver.version());
            if (v.usable()) {
                String prefix = skipped.isEmpty() ? "" : " (skipped " + String.join("; ", skipped) + ")";
                return new CudaProbe(true, d.name() + " (GPU " + d.ordinal() + "), compute capability "
                        + d.major() + "." + d.minor() + ", driver CUDA " + CudaDriver.version(driver.version())
                        + ", kernels from the " + v.runtime().loaded.description() + ", " + v.reason() + prefix,
                        v.runtime(), true);
            }
            skipped.add(d.label() + ": " + v.reason());
        }
        return new CudaProbe(false, String.join("; ", skipped), null, true);
    }

    private static String visibleNote() {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        return visible == null ? "" : " with CUDA_VISIBLE_DEVICES=" + visible;
    }

    /** The device's verdict, probed once (under the class lock). */
    private static DeviceVerdict verdict(DeviceInfo d, int driverVersion) {
        DeviceVerdict v = VERDICTS.get(d.ordinal());
        if (v == null) {
            v = DeviceCheck.check(d, driverVersion);
            VERDICTS.put(d.ordinal(), v);
        }
        return v;
    }
}
