package dev.gcl.backend;

import dev.gcl.io.InvalidInputException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The registry of backends: every {@link BackendProvider} on the class or module path (found through
 * {@link ServiceLoader}, so this package names no implementation; each backend is its own artifact:
 * {@link #ARTIFACTS}), ordered by {@link BackendProvider#priority()}, and backends created by name, in a
 * {@link Precision}:
 * <ul>
 *   <li>{@code "reference"} (alias {@code "cpu"}): the spec, double sums, bit-reproducible on any machine and
 *       thread count; slow.</li>
 *   <li>{@code "blas"}: FP32 GEMMs through OpenBLAS, checked against the reference.</li>
 *   <li>{@code "cuda"}: the hand-written kernels on an NVIDIA GPU.</li>
 *   <li>{@code "auto"}: the first available backend by priority (cuda, blas, then the reference, which is always
 *       available), with one log line saying why.</li>
 * </ul>
 * A precision a backend does not support (TF32 on a CPU backend, directly or through {@code auto} on a machine
 * without a GPU) is refused (InvalidInputException) rather than silently run in another precision.
 */
public final class Backends {
    /** The names {@link #create} accepts, as listed in messages: "auto, reference (alias cpu), blas or cuda". */
    public static final String NAMES = "auto, " + orList(listed().stream().map(BackendProvider::label)
            .collect(Collectors.toList()));

    /**
     * The artifact each backend ships in, beyond the core's reference: named in the error when a backend is asked
     * for whose artifact is not on the class path.
     */
    public static final Map<String, String> ARTIFACTS = Map.of("blas", "dev.gcl:gcl-blas", "cuda", "dev.gcl:gcl-cuda");

    private static final Logger LOG = Logger.getLogger(Backends.class.getName());
    private static boolean fallbackLogged;

    private Backends() {}

    /** Every registered backend, in the order auto tries them (the reference last). */
    public static List<BackendProvider> providers() {
        return Registry.PROVIDERS;
    }

    /** Every registered backend from the reference up (the reverse of auto's order), as messages list them. */
    public static List<BackendProvider> listed() {
        List<BackendProvider> up = new ArrayList<>(providers());
        Collections.reverse(up);
        return up;
    }

    /** The backend of a name or alias; empty for "auto" and unknown names. */
    public static Optional<BackendProvider> find(String name) {
        return providers().stream().filter(p -> p.name().equals(name) || p.aliases().contains(name)).findFirst();
    }

    /** The backend of a name or alias; InvalidInputException listing the names for an unknown one (and "auto"). */
    public static BackendProvider provider(String name) {
        return find(name).orElseThrow(() -> unknown(name));
    }

    /** The reference backend's provider. */
    public static BackendProvider reference() {
        return providers().stream().filter(BackendProvider::isReference).findFirst().orElseThrow();
    }

    /** The names of the backends that compute in this precision, as in "needs the cuda backend": "cuda". */
    public static String supporting(Precision precision) {
        return names(p -> p.precisions().contains(precision));
    }

    /** The names of the backends that pass, in auto's order, for messages: "cuda or blas". */
    public static String names(Predicate<BackendProvider> which) {
        return orList(providers().stream().filter(which).map(BackendProvider::name).collect(Collectors.toList()));
    }

    /** {@link #create(String, int, Precision)} in FP32. */
    public static Backend create(String kind, int threads) {
        return create(kind, threads, Precision.FP32);
    }

    /** The canonical name of a backend name ("cpu" → "reference"), unchanged for auto and unknown names. */
    public static String canonical(String kind) {
        return find(kind).map(BackendProvider::name).orElse(kind);
    }

    /**
     * What "auto" picks on this machine: the first available backend of {@link #providers()}, and why, in one
     * line ("cuda is unavailable: ...; blas is unavailable: ..." for the ones passed over).
     */
    public static Auto auto() {
        return auto(0);
    }

    /**
     * {@link #auto()} for a run needing this many bytes of device memory: a backend whose device cannot hold it
     * now is passed over like an unavailable one, with a warning and the figures.
     */
    public static Auto auto(long deviceBytes) {
        List<String> passedOver = new ArrayList<>();
        List<String> present = new ArrayList<>();
        for (BackendProvider p : providers()) {
            String full = p.available() && deviceBytes > 0 ? p.memoryRefusal(deviceBytes) : null;
            if (full != null) {
                passedOver.add(p.name() + " is passed over: " + full);
                present.add(p.name() + " is passed over: " + full);
                continue;
            }
            if (p.available()) {
                String why = passedOver.isEmpty() ? p.name() + " is available: " + p.reason()
                        : String.join("; ", passedOver);
                String note = present.isEmpty() ? null : String.join("; ", present);
                if (note != null) warnOnce("backend auto: training on " + p.name() + ", not on the device present: "
                        + note);
                return new Auto(p.name(), why, note);
            }
            passedOver.add(p.name() + " is unavailable: " + p.reason());
            if (p.devicePresent()) present.add(p.name() + " is unavailable: " + p.reason());
        }
        throw new IllegalStateException("no backend is available: " + String.join("; ", passedOver));
    }

    /**
     * Why the devices present on this machine are not used ("cuda is unavailable: GPU 0 (...): busy: ..."), or
     * null when there is none or every one is usable.
     */
    public static String devicesPassedOver() {
        List<String> present = new ArrayList<>();
        for (BackendProvider p : providers()) {
            if (!p.available() && p.devicePresent()) present.add(p.name() + " is unavailable: " + p.reason());
        }
        return present.isEmpty() ? null : String.join("; ", present);
    }

    /** "blas (OpenBLAS FP32 GEMMs, 2 threads)" and the like: a backend name and what it is, for messages. */
    public static String describe(String kind, int threads) {
        return find(kind).map(p -> p.describe(threads)).orElse(kind);
    }

    /**
     * auto's choice: a backend name and why; note says why a device that is present was passed over (a GPU that
     * failed its probe or canary), else null. It goes to the log as a warning and into the model's provenance.
     */
    public record Auto(String kind, String why, String note) {}

    /**
     * A new backend. threads is the thread count of the CPU backends (ignored by CUDA). An unavailable backend
     * throws IllegalStateException with its probe's reason; an unknown name or a precision the backend does not
     * compute in throws InvalidInputException.
     */
    public static Backend create(String kind, int threads, Precision precision) {
        if (canonical(kind).equals("auto")) {
            Auto auto = auto();
            BackendProvider p = provider(auto.kind());
            requirePrecision(p, precision, " (backend auto: " + auto.why() + ")");
            if (p != providers().get(0)) logFallback(auto);  // not the fastest: say why, once
            return p.create(threads, precision);
        }
        BackendProvider p = provider(kind);
        requirePrecision(p, precision, "");
        return p.create(threads, precision);
    }

    /** A supplier for {@code Gcl.withBackend}: each call creates a fresh FP32 backend of this kind. */
    public static Supplier<Backend> supplier(String kind, int threads) {
        return supplier(kind, threads, Precision.FP32);
    }

    /** A supplier for {@code Gcl.withBackend}: each call creates a fresh backend of this kind and precision. */
    public static Supplier<Backend> supplier(String kind, int threads, Precision precision) {
        create(kind, threads, precision).close();  // fail now, not inside fit, on an unknown or unavailable kind
        return () -> create(kind, threads, precision);
    }

    private static void requirePrecision(BackendProvider p, Precision precision, String why) {
        if (!p.precisions().contains(precision)) {
            throw new InvalidInputException("precision " + precision.cliName() + " needs the " + supporting(precision)
                    + " backend: the " + p.name() + " backend computes in " + p.arithmetic() + " only" + why);
        }
    }

    private static InvalidInputException unknown(String kind) {
        String artifact = ARTIFACTS.get(kind);
        if (artifact != null) {
            return new InvalidInputException("backend '" + kind + "' is in the artifact " + artifact + ", which is not"
                    + " on the class path: add it (or dev.gcl:gcl, which brings every backend); here: " + NAMES);
        }
        return new InvalidInputException("unknown backend '" + kind + "' (expected " + NAMES + ")");
    }

    /** "a", "a or b", "a, b or c". */
    private static String orList(List<String> items) {
        if (items.size() <= 1) return String.join("", items);
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }

    /**
     * A device passed over goes to {@link System.Logger} as a warning, once per message and process, whatever
     * listener a caller has: an embedding team on a GPU server must hear that it trains on the CPU.
     */
    private static synchronized void warnOnce(String message) {
        if (WARNED.add(message)) WARNINGS.log(System.Logger.Level.WARNING, message);
    }

    private static final Set<String> WARNED = new HashSet<>();
    private static final System.Logger WARNINGS = System.getLogger(Backends.class.getName());

    private static synchronized void logFallback(Auto auto) {
        if (fallbackLogged) return;
        fallbackLogged = true;
        LOG.info(String.format(Locale.ROOT, "backend auto: using %s; %s", auto.kind(), auto.why()));
    }

    /** The providers, loaded once (a holder class, so NAMES can use them during Backends' initialisation). */
    private static final class Registry {
        static final List<BackendProvider> PROVIDERS = load();

        private static List<BackendProvider> load() {
            List<BackendProvider> found = new ArrayList<>();
            ServiceLoader.load(BackendProvider.class, BackendProvider.class.getClassLoader()).forEach(found::add);
            found.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
            for (int i = 1; i < found.size(); i++) {
                if (found.get(i).priority() == found.get(i - 1).priority()) {
                    throw new IllegalStateException("backends " + found.get(i - 1).name() + " and "
                            + found.get(i).name() + " share priority " + found.get(i).priority()
                            + ": the class path's order would decide auto");
                }
            }
            Set<String> names = new HashSet<>();
            names.add("auto");
            for (BackendProvider p : found) {
                for (String n : concat(p.name(), p.aliases())) {
                    if (!names.add(n)) throw new IllegalStateException("backend name '" + n + "' registered twice");
                }
            }
            long references = found.stream().filter(BackendProvider::isReference).count();
            if (references != 1) {
                throw new IllegalStateException(references + " reference backends registered, expected 1 (the core's"
                        + " META-INF/services/" + BackendProvider.class.getName() + ")");
            }
            return List.copyOf(found);
        }

        private static List<String> concat(String name, List<String> aliases) {
            List<String> all = new ArrayList<>(aliases);
            all.add(0, name);
            return all;
        }
    }
}
