package dev.gcl.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;

/**
 * The compiled kernels bundled as resources by {@code native-build/build-kernels.sh}: a fatbin (sm_80, sm_90
 * machine code and compute_90 PTX, for CUDA 13 drivers) and a compute_80 PTX whose {@code .version} is lowered so
 * CUDA 12 drivers can compile it. Absent when the build machine had no nvcc.
 */
public final class KernelImage {
    static final String DIR = "/dev/gcl/backend/cuda/";
    public static final String FATBIN = DIR + "gcl_kernels.fatbin";
    public static final String PTX = DIR + "gcl_kernels.ptx";
    public static final String PROPERTIES = DIR + "gcl_kernels.properties";

    /** CUDA 13.0 as cuDriverGetVersion reports it: the first driver that reads nvcc 13's fatbin and PTX 9.0. */
    static final int FATBIN_MIN_DRIVER = 13000;

    private final String kind;
    private final byte[] bytes;

    private KernelImage(String kind, byte[] bytes) {
        this.kind = kind;
        this.bytes = bytes;
    }

    /** "fatbin" or "ptx". */
    public String kind() {
        return kind;
    }

    /** What cuModuleLoadData takes: the fatbin as is, or the PTX text NUL-terminated. */
    byte[] moduleData() {
        return bytes;
    }

    /** The image for a driver of this version (cuDriverGetVersion), or empty when the kernels were not bundled. */
    static Optional<KernelImage> forDriver(int driverVersion) {
        if (driverVersion >= FATBIN_MIN_DRIVER) {
            byte[] fatbin = resource(FATBIN);
            return fatbin == null ? Optional.empty() : Optional.of(new KernelImage("fatbin", fatbin));
        }
        byte[] ptx = resource(PTX);
        if (ptx == null) return Optional.empty();
        return Optional.of(new KernelImage("ptx", Arrays.copyOf(ptx, ptx.length + 1)));  // + NUL
    }

    /** Whether the build bundled kernels (it writes the properties file last). */
    public static boolean bundled() {
        return KernelImage.class.getResource(PROPERTIES) != null;
    }

    /** The build's description of the bundled kernels (nvcc release, PTX version, entry names); empty if none. */
    public static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = KernelImage.class.getResourceAsStream(PROPERTIES)) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    static byte[] resource(String name) {
        try (InputStream in = KernelImage.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
