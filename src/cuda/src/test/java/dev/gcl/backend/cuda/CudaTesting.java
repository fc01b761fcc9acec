package dev.gcl.backend.cuda;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one skip rule of the CUDA tests: no usable GPU here, with the probe's reason in the skip message. In the
 * Surefire execution "cuda-standin" (system property {@value #STANDIN_PROPERTY} = the stand-in's folder) a stand-in
 * that could not be built (no g++) is the reason given.
 */
public final class CudaTesting {
    /** Set by the "cuda-standin" Surefire execution to target/cuda-standin. */
    public static final String STANDIN_PROPERTY = "gcl.cuda.standin";

    private CudaTesting() {}

    static CudaBackend backendOrSkip() {
        assumeCuda();
        return new CudaBackend();
    }

    /**
     * Whether to run the CUDA tests on trimmed shapes (system property {@value #TRIM_PROPERTY}): the device run sets
     * it for its compute-sanitizer passes, which run every class at a fraction of the speed, so that all classes fit
     * the device session. Every test then still runs, on fewer or smaller shapes.
     */
    public static boolean trimmed() {
        return Boolean.getBoolean(TRIM_PROPERTY);
    }

    /** Set (true) by native-build/device-run.sh for the sanitizer passes. */
    public static final String TRIM_PROPERTY = "gcl.cuda.trim";

    /** Skips the calling test, with the reason, unless the CUDA backend is available. */
    public static void assumeCuda() {
        CudaProbe probe = CudaProbe.get();
        if (!probe.available()) Assumptions.assumeTrue(false, standInNotBuilt().orElse(probe.reason()));
    }

    /** Whether this JVM's driver is the stand-in libcuda.so.1 (native-build/standin), not a GPU's. */
    public static boolean onStandIn() {
        CudaProbe probe = CudaProbe.get();
        return probe.available() && probe.reason().startsWith("CPU emulation");
    }

    /** In the stand-in execution, why the stand-in is missing (native-build/build-standin.sh wrote it), if it is. */
    private static java.util.Optional<String> standInNotBuilt() {
        String dir = System.getProperty(STANDIN_PROPERTY);
        if (dir == null) return java.util.Optional.empty();
        Path why = Path.of(dir, "unavailable.txt");
        try {
            if (Files.exists(why)) return java.util.Optional.of(Files.readString(why).strip());
        } catch (IOException e) {
            return java.util.Optional.of("the CUDA stand-in was not built (" + why + " unreadable: " + e + ")");
        }
        return java.util.Optional.empty();
    }
}
