package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.Precision;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;
import dev.gcl.verify.Comparison;
import dev.gcl.verify.OpParity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The check a device passes before gcl trains on it: every kernel family (each FP32 GEMM tile and split-k, the TF32
 * ones where the device has tensor cores for them, the memory-bound ops) runs on small fixed inputs and is compared
 * with the {@link ReferenceBackend} within the parity tolerances of {@link dev.gcl.verify.ParityTolerances} — so a
 * GPU or driver on which a kernel computes wrong but finite numbers is refused before it trains a wrong model.
 *
 * <p>A pass is remembered in the user's cache folder ({@link #cacheDir()}), keyed by the device, its memory, the
 * driver version and the kernel image's hash, so later processes skip the check; a failure is never cached.
 * {@code GCL_CUDA_CANARY=off} (or {@code -Dgcl.cuda.canary=off}) skips it, for debugging a kernel.
 */
final class KernelCanary {
    /** The verdict: passed, or the first failing kernel and its worst element. */
    record Verdict(boolean passed, String detail) {}

    private static final long SEED = 20221;
    // small shapes over every tile edge: rows and widths not multiples of any tile
    private static final int ROWS = 40, IN = 24, OUT = 20;

    private KernelCanary() {}

    /** Whether the canary is switched off (environment GCL_CUDA_CANARY or property gcl.cuda.canary = off). */
    static boolean disabled() {
        String v = System.getProperty("gcl.cuda.canary", System.getenv("GCL_CUDA_CANARY"));
        return v != null && (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false") || v.equals("0"));
    }

    /** Runs the canary on this device, or reads a pass from the cache. */
    static Verdict check(CudaRuntime runtime, int driverVersion) {
        if (disabled()) return new Verdict(true, "canary off (GCL_CUDA_CANARY=off)");
        String key = cacheKey(runtime, driverVersion);
        Path cached = cacheFile(key);
        try {
            if (cached != null && Files.isRegularFile(cached)
                    && Files.readString(cached, StandardCharsets.UTF_8).startsWith(key + "\npassed")) {
                return new Verdict(true, "canary passed (cached)");
            }
        } catch (IOException | RuntimeException ignored) {
            // an unreadable cache only costs the check
        }
        long start = System.nanoTime();
        Verdict v = run(runtime);
        if (!v.passed()) return v;
        String detail = String.format(Locale.ROOT, "canary passed (%d ms)", (System.nanoTime() - start) / 1_000_000);
        remember(cached, key);
        return new Verdict(true, detail);
    }

    /** Every family once; the first failure ends it. */
    static Verdict run(CudaRuntime runtime) {
        List<Precision> precisions = runtime.supportsTf32() ? List.of(Precision.FP32, Precision.TF32)
                : List.of(Precision.FP32);
        try (ReferenceBackend reference = new ReferenceBackend(1)) {
            for (Precision precision : precisions) {
                for (DenseGemmPlan.Kernel kernel : DenseGemmPlan.Kernel.values()) {
                    if (kernel.precision != precision) continue;
                    Verdict v = gemmFamily(runtime, reference, kernel);
                    if (v != null) return v;
                }
            }
            Verdict v = memoryBound(runtime, reference);
            if (v != null) return v;
        }
        return new Verdict(true, "canary passed");
    }

    /** One GEMM family forced on the dense ops: the forward and both backward products (a split family: dW). */
    private static Verdict gemmFamily(CudaRuntime runtime, Backend reference, DenseGemmPlan.Kernel kernel) {
        DenseGemmPlan.Kernel whole = kernel.split()
                ? (kernel.precision == Precision.TF32 ? DenseGemmPlan.Kernel.TF32_TILE64 : DenseGemmPlan.Kernel.TILE64)
                : kernel;
        DenseGemmPlan.Planner planner = (product, m, n, k) -> kernel.split()
                && product == DenseGemmPlan.Product.BACKWARD_WEIGHT ? DenseGemmPlan.split(kernel, k, 2)
                : DenseGemmPlan.whole(whole);
        try (CudaBackend candidate = new CudaBackend(kernel.precision, planner, runtime)) {
            OpParity parity = new OpParity(candidate, reference, kernel.precision);
            List<Comparison> results = new ArrayList<>();
            if (!kernel.split()) results.addAll(parity.denseForward(ROWS, IN, OUT, Activation.RELU, SEED));
            results.addAll(parity.denseBackward(ROWS, IN, OUT, Activation.SIGMOID, SEED + 1));
            for (Comparison c : results) {
                if (!c.passed()) return failed(kernelOf(c.op(), kernel), c);
            }
        }
        return null;
    }

    /** The memory-bound ops and the random streams, once each (every negative-learning target). */
    private static Verdict memoryBound(CudaRuntime runtime, Backend reference) {
        try (CudaBackend candidate = new CudaBackend(Precision.FP32, DenseGemmPlan.planner(Precision.FP32), runtime)) {
            OpParity p = new OpParity(candidate, reference, Precision.FP32);
            List<Supplier<List<Comparison>>> checks = new ArrayList<>(List.of(
                    () -> p.rowMse(37, 29, SEED), () -> p.meanStd(1001, SEED), () -> p.thresholdLabels(301, 1.5, SEED),
                    () -> p.minMaxScale(257, SEED), () -> p.bceLossGrad(300, SEED), () -> p.weightedMseGrad(37, 29, SEED),
                    () -> p.rmsprop(999, SEED), () -> p.gatherRows(50, 21, 13, 7, SEED)));
            for (NlTarget mode : NlTarget.values()) checks.add(() -> p.nlTargets(mode, 37, 11, SEED));
            RandomStream stream = new RandomStream(SEED, Purpose.NOISE, 3);
            checks.add(() -> p.philoxUniform(stream, 5, 1000));
            checks.add(() -> p.philoxNormal(stream, 5, 1000));
            for (Supplier<List<Comparison>> check : checks) {
                for (Comparison c : check.get()) {
                    if (!c.passed()) return failed(kernelOf(c.op(), null), c);
                }
            }
        }
        return null;
    }

    private static Verdict failed(String kernel, Comparison c) {
        return new Verdict(false, "canary failed: kernel " + kernel + " computes wrong values: " + c.describe());
    }

    /** The kernel behind a comparison's op name, for the message. */
    static String kernelOf(String op, DenseGemmPlan.Kernel family) {
        if (family != null) {
            String suffix = family.suffix;
            String wholeSuffix = family.split() ? (family.precision == Precision.TF32 ? "_tf32" : "") : suffix;
            if (op.equals("dense_forward")) return "dense_forward" + wholeSuffix;
            if (op.equals("dense_backward dIn")) return "dense_backward_input" + wholeSuffix;
            if (op.equals("dense_backward dW")) {
                return "dense_backward_weight" + suffix + (family.split() ? " (or gemm_split_reduce)" : "");
            }
            if (op.equals("dense_backward dB")) return "dense_backward_bias_partials/dense_backward_bias_reduce";
        }
        String base = op.contains(" ") ? op.substring(0, op.indexOf(' ')) : op;
        return switch (base) {
            case "bce_grad", "bce_loss" -> "bce_loss_grad";
            case "weighted_mse" -> "weighted_mse_rows/weighted_mse_total/weighted_mse_grad";
            case "nl_targets" -> "nl_targets (or nl_normal_rows)";
            case "threshold_labels" -> "threshold_labels";
            default -> base;
        };
    }

    /** The user's cache folder for gcl: GCL_CACHE_DIR, -Dgcl.cache.dir, $XDG_CACHE_HOME/gcl or ~/.cache/gcl. */
    static Path cacheDir() {
        String dir = System.getProperty("gcl.cache.dir", System.getenv("GCL_CACHE_DIR"));
        if (dir != null && !dir.isBlank()) return Path.of(dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "gcl");
        return Path.of(System.getProperty("user.home"), ".cache", "gcl");
    }

    private static String cacheKey(CudaRuntime runtime, int driverVersion) {
        DeviceInfo d = runtime.info;
        String image = runtime.loaded.image().sha256();
        if (image.isEmpty()) image = sha256(runtime.loaded.image().moduleData());
        return "device=" + d.name() + " cc=" + d.major() + "." + d.minor() + " memory=" + d.totalBytes()
                + " driver=" + driverVersion + " image=" + runtime.loaded.image().kind() + ":" + image;
    }

    private static Path cacheFile(String key) {
        try {
            return cacheDir().resolve("cuda-canary").resolve(sha256(key.getBytes(StandardCharsets.UTF_8))
                    .substring(0, 24) + ".txt");
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Writes the pass atomically; a cache that cannot be written only costs the check next time. */
    private static void remember(Path file, String key) {
        if (file == null) return;
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "canary", ".tmp");
            Files.writeString(tmp, key + "\npassed\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException ignored) {
            // read-only home, full disk: the next process checks again
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
