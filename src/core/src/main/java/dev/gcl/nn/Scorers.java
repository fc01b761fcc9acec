package dev.gcl.nn;

import dev.gcl.io.InvalidInputException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The registry of fast scorers: every {@link ScorerProvider} on the class or module path, highest priority first.
 * "fast" means the first available one; a scorer named whose artifact is absent is refused with the artifact
 * to add ({@link #ARTIFACTS}).
 */
public final class Scorers {
    /** The artifact each scorer beyond the core's ships in. */
    public static final Map<String, String> ARTIFACTS = Map.of("blas", "dev.gcl:gcl-blas");

    private Scorers() {}

    /** Every registered scorer, highest priority first. */
    public static List<ScorerProvider> providers() {
        return Registry.PROVIDERS;
    }

    /** The fastest available scorer: what "fast" means here; empty when none is. */
    public static Optional<ScorerProvider> fastest() {
        return providers().stream().filter(ScorerProvider::available).findFirst();
    }

    /** Why each registered scorer is unavailable, for a refusal of "fast": "blas: OpenBLAS does not load ...". */
    public static String whyNone() {
        if (providers().isEmpty()) return "no fast scorer is on the class path (add " + ARTIFACTS.get("blas") + ")";
        return providers().stream().map(p -> p.name() + ": " + p.reason()).collect(Collectors.joining("; "));
    }

    /**
     * The scorer of this name; InvalidInputException naming the artifact to add when it is not on the class path,
     * or listing the names for an unknown one.
     */
    public static ScorerProvider provider(String name) {
        for (ScorerProvider p : providers()) if (p.name().equals(name)) return p;
        String artifact = ARTIFACTS.get(name);
        if (artifact != null) {
            throw new InvalidInputException("scorer '" + name + "' is in the artifact " + artifact + ", which is not"
                    + " on the class path: add it");
        }
        throw new InvalidInputException("unknown scorer '" + name + "' (expected fast, reference"
                + providers().stream().map(p -> ", " + p.name()).collect(Collectors.joining()) + ")");
    }

    /** The providers, loaded once. */
    private static final class Registry {
        static final List<ScorerProvider> PROVIDERS = load();

        private static List<ScorerProvider> load() {
            List<ScorerProvider> found = new ArrayList<>();
            ServiceLoader.load(ScorerProvider.class, ScorerProvider.class.getClassLoader()).forEach(found::add);
            found.sort(Comparator.comparingInt(ScorerProvider::priority).reversed());
            for (int i = 1; i < found.size(); i++) {
                if (found.get(i).priority() == found.get(i - 1).priority()) {
                    throw new IllegalStateException("scorers " + found.get(i - 1).name() + " and " + found.get(i).name()
                            + " share priority " + found.get(i).priority() + ": the class path's order would decide");
                }
            }
            return List.copyOf(found);
        }
    }
}
