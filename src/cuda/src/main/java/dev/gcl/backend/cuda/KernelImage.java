package dev.gcl.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * One compiled form of kernels/*.cu bundled as a resource, described by the manifest
 * {@code gcl_kernels.properties} that {@code native-build/build-kernels.sh} writes beside the images (the build
 * copies the images committed under {@code native-build/kernel-images/} when nvcc is absent or fails, so every
 * build carries them):
 * <ul>
 *   <li>{@code fatbin}: machine code (cubins) for the architectures users have, sm_75 to sm_120, plus compute_90
 *       PTX that the driver compiles for newer GPUs; made by nvcc 13, so it needs a CUDA 13 driver;</li>
 *   <li>{@code ptx}: compute_80 PTX, its {@code .version} lowered so CUDA 12 drivers compile it (GPUs of compute
 *       capability 8.0 and newer);</li>
 *   <li>{@code ptx75}: compute_75 PTX lowered likewise, for compute capability 7.5 (T4) on a CUDA 12 driver: FP32
 *       only, its TF32 kernels trap.</li>
 * </ul>
 * {@link #candidates} orders them for one device and driver; {@link ModuleLoader} tries them in that order.
 * {@code GCL_CUDA_IMAGE=fatbin|ptx|ptx75} (or {@code -Dgcl.cuda.image}) forces one, for checking each on a GPU.
 */
public final class KernelImage {
    static final String DIR = "/dev/gcl/backend/cuda/";
    public static final String PROPERTIES = DIR + "gcl_kernels.properties";
    public static final String FATBIN = DIR + "gcl_kernels.fatbin";
    public static final String PTX = DIR + "gcl_kernels.ptx";
    public static final String PTX75 = DIR + "gcl_kernels_sm75.ptx";

    /** CUDA 13.0 as cuDriverGetVersion reports it: the first driver that reads nvcc 13's cubins and PTX 9.0. */
    static final int FATBIN_MIN_DRIVER = 13000;
    /** The oldest compute capability the images have code for (sm_75, T4), as major * 10 + minor. */
    static final int MIN_COMPUTE = 75;
    /** TF32 tensor-core kernels need compute capability 8.0 (mma tf32, cp.async). */
    static final int TF32_MIN_COMPUTE = 80;

    private static final Properties MANIFEST = readManifest();

    private final String key;
    private final String resource;
    private final List<String> cubins;
    private final String ptxTarget;
    private final int minDriver;
    private final String sha256;

    private KernelImage(String key, String resource, List<String> cubins, String ptxTarget, int minDriver,
                        String sha256) {
        this.key = key;
        this.resource = resource;
        this.cubins = cubins;
        this.ptxTarget = ptxTarget;
        this.minDriver = minDriver;
        this.sha256 = sha256;
    }

    /** "fatbin", "ptx" or "ptx75": the manifest's name of the image. */
    public String kind() {
        return key;
    }

    /** The resource's file name, for messages: "gcl_kernels.fatbin". */
    String fileName() {
        return resource.substring(resource.lastIndexOf('/') + 1);
    }

    /** The oldest driver (cuDriverGetVersion) that reads this image. */
    int minDriver() {
        return minDriver;
    }

    /** The SHA-256 of the image's bytes as the manifest records it ("" when the manifest has none). */
    String sha256() {
        return sha256;
    }

    /**
     * Whether loading this image on a device of this compute capability (major * 10 + minor) makes the driver
     * compile PTX (seconds, once per driver when its compute cache works) rather than load machine code: PTX
     * images always; the fatbin when it has no cubin of the device's major version at or below its minor.
     */
    boolean compilesFor(int compute) {
        return cubinFor(compute) == null;
    }

    /** "fatbin (cubin sm_80)", "fatbin (compute_90 PTX, compiled by the driver)" or "ptx (compute_80, ...)". */
    String describeFor(int compute) {
        String cubin = cubinFor(compute);
        if (cubin != null) return key + " (cubin " + cubin + ")";
        return key + " (" + ptxTarget.replace("sm_", "compute_") + " PTX, compiled by the driver)";
    }

    /**
     * The newest cubin the driver runs on a device of this compute capability (same major version, minor at or
     * below the device's), or null when the driver would compile PTX instead.
     */
    private String cubinFor(int compute) {
        String best = null;
        for (String c : cubins) {
            int arch = Integer.parseInt(c.substring("sm_".length()));
            if (arch / 10 == compute / 10 && arch % 10 <= compute % 10) best = c;
        }
        return best;
    }

    /** What cuModuleLoadData takes: the fatbin as is, or the PTX text NUL-terminated; null when not bundled. */
    byte[] moduleData() {
        byte[] bytes = resource(resource);
        if (bytes == null || cubins.size() > 0 || !key.startsWith("ptx")) return bytes;
        return Arrays.copyOf(bytes, bytes.length + 1);  // + NUL
    }

    /**
     * The images to try for a device of this compute capability (major * 10 + minor) under a driver of this
     * version, best first: a CUDA 13 driver gets the fatbin, then the PTX for the device; an older one the PTX for
     * the device (its {@code .version} is one CUDA 12 reads), then the fatbin in case the driver reads it after all.
     * Empty when the build bundled no kernels.
     */
    static List<KernelImage> candidates(int driverVersion, int compute) {
        List<KernelImage> all = bundledImages();
        Optional<KernelImage> fatbin = all.stream().filter(i -> i.key.equals("fatbin")).findFirst();
        Optional<KernelImage> ptx = all.stream()
                .filter(i -> i.key.startsWith("ptx") && i.ptxArch() <= compute)
                .max((a, b) -> Integer.compare(a.ptxArch(), b.ptxArch()));
        List<KernelImage> order = new ArrayList<>();
        String forced = System.getProperty("gcl.cuda.image", System.getenv("GCL_CUDA_IMAGE"));
        if (forced != null && !forced.isBlank()) {  // the device check loads each kind on purpose
            all.stream().filter(i -> i.key.equals(forced.strip())).forEach(order::add);
            return order;
        }
        if (driverVersion >= fatbin.map(KernelImage::minDriver).orElse(FATBIN_MIN_DRIVER)) {
            fatbin.ifPresent(order::add);
            ptx.ifPresent(order::add);
        } else {
            ptx.ifPresent(order::add);
            fatbin.ifPresent(order::add);
        }
        return order;
    }

    private int ptxArch() {
        return Integer.parseInt(ptxTarget.substring(ptxTarget.indexOf('_') + 1));
    }

    /** Every image the manifest lists. */
    static List<KernelImage> bundledImages() {
        List<KernelImage> images = new ArrayList<>();
        for (String key : MANIFEST.getProperty("images", "").trim().split("\\s+")) {
            if (key.isEmpty()) continue;
            String p = "image." + key + ".";
            String file = MANIFEST.getProperty(p + "file");
            if (file == null) continue;
            List<String> cubins = Arrays.stream(MANIFEST.getProperty(p + "cubins", "").trim().split("\\s+"))
                    .filter(s -> !s.isEmpty()).toList();
            String target = MANIFEST.getProperty(p + "target", MANIFEST.getProperty(p + "ptx", "compute_90"));
            int minDriver = Integer.parseInt(MANIFEST.getProperty(p + "min.driver", "13000").trim());
            images.add(new KernelImage(key, DIR + file.trim(), cubins, target, minDriver,
                    MANIFEST.getProperty(p + "sha256", "")));
        }
        return images;
    }

    /** Whether the build bundled kernels (its manifest lists at least one image). */
    public static boolean bundled() {
        return !bundledImages().isEmpty();
    }

    /** The SHA-256 of kernels/ the images were built from, as the manifest records it ("" if none). */
    static String sourcesSha256() {
        return MANIFEST.getProperty("sources.sha256", "").trim();
    }

    /** The build's description of the bundled kernels (nvcc release, images, entry names); empty if none. */
    public static Properties buildProperties() {
        Properties copy = new Properties();
        copy.putAll(MANIFEST);
        return copy;
    }

    private static Properties readManifest() {
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
