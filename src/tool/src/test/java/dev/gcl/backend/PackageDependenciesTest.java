package dev.gcl.backend;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The package dependencies of the compiled library, every module's classes together, as jdeps reports them:
 * dev.gcl.backend (the op set and the registry) names none of its implementations, no packages depend on each other
 * in a cycle, except the ones listed in {@link #KNOWN_CYCLES}, no package is split across two modules, and the core
 * depends on no other module's package.
 */
class PackageDependenciesTest {
    /** Cycles tolerated for now: none (issue 21 removed the last, dev.gcl <-> model/train). Keep it empty. */
    private static final List<Set<String>> KNOWN_CYCLES = List.of();

    private static final Pattern EDGE = Pattern.compile("^\\s+(dev\\.gcl[\\w.]*)\\s+->\\s+(dev\\.gcl[\\w.]*)\\s");

    /** Package → the dev.gcl packages it depends on (itself excluded). */
    private static Map<String, Set<String>> graph;

    @BeforeAll
    static void runJdeps() throws Exception {
        Optional<ToolProvider> jdeps = ToolProvider.findFirst("jdeps");
        Assumptions.assumeTrue(jdeps.isPresent(), "jdeps is not in this JDK (a JRE runs the tests)");
        graph = new TreeMap<>();
        modulePackages = new TreeMap<>();
        for (Map.Entry<String, Class<?>> module : MODULES.entrySet()) {
            Path classes = Path.of(module.getValue().getProtectionDomain().getCodeSource().getLocation().toURI());
            StringWriter out = new StringWriter(), err = new StringWriter();
            List<String> args = new ArrayList<>();
            // the core is a module (module-info): jdeps resolves what it requires, Jackson, from a module path
            if (module.getKey().equals("gcl-core")) args.addAll(List.of("--multi-release", "17", "--module-path", JACKSON));
            args.addAll(List.of("-verbose:package", "-filter:none", "-e", "dev\\.gcl.*", classes.toString()));
            int code = jdeps.get().run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
            assertEquals(0, code, "jdeps failed on " + classes + ": " + err + out);
            for (String line : out.toString().split("\\R")) {
                Matcher m = EDGE.matcher(line);
                if (!m.find()) continue;
                graph.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (!m.group(1).equals(m.group(2))) graph.get(m.group(1)).add(m.group(2));
            }
            modulePackages.put(module.getKey(), packagesOf(classes));
        }
        assertTrue(graph.containsKey("dev.gcl.backend.blas"), "jdeps saw no backend packages: " + graph.keySet());
    }

    /** Each module by a class of it: where its compiled classes are (a folder in the build, a jar installed). */
    private static final Map<String, Class<?>> MODULES = Map.of(
            "gcl-core", Backends.class,
            "gcl-blas", dev.gcl.backend.blas.BlasProvider.class,
            "gcl-cuda", dev.gcl.backend.cuda.CudaProvider.class,
            "gcl-tool", dev.gcl.cli.Main.class);

    /** The packages of the classes in a folder or jar (module-info excluded). */
    private static Set<String> packagesOf(Path classes) throws java.io.IOException {
        List<String> names = new ArrayList<>();
        if (java.nio.file.Files.isDirectory(classes)) {
            try (var files = java.nio.file.Files.walk(classes)) {
                files.forEach(f -> names.add(classes.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
            }
        } else {
            try (var jar = new java.util.jar.JarFile(classes.toFile())) {
                jar.stream().forEach(e -> names.add(e.getName()));
            }
        }
        Set<String> packages = new TreeSet<>();
        for (String n : names) {
            if (!n.endsWith(".class") || n.endsWith("module-info.class") || !n.contains("/")) continue;
            packages.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.'));
        }
        return packages;
    }

    /** Jackson's jars on the test class path: the modules gcl-core requires. */
    private static final String JACKSON = java.util.Arrays.stream(
                    System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(e -> e.contains("jackson") || e.contains("snakeyaml"))
            .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));

    /** Module → the packages of its classes. */
    private static Map<String, Set<String>> modulePackages;

    @Test
    void noPackageIsSplitAcrossModules() {
        Map<String, String> owner = new TreeMap<>();
        for (Map.Entry<String, Set<String>> m : modulePackages.entrySet()) {
            for (String p : m.getValue()) {
                String before = owner.put(p, m.getKey());
                assertNull(before, "package " + p + " is in both " + before + " and " + m.getKey());
            }
        }
        assertTrue(modulePackages.get("gcl-core").contains("dev.gcl.backend.reference"), modulePackages.toString());
    }

    @Test
    void theCoreDependsOnNoOtherModule() {
        Set<String> core = modulePackages.get("gcl-core");
        for (String p : core) {
            for (String dep : graph.getOrDefault(p, Set.of())) {
                assertTrue(core.contains(dep), p + " (gcl-core) depends on " + dep + ", outside the core");
            }
        }
    }

    @Test
    void theBackendPackageNamesNoneOfItsImplementations() {
        Set<String> deps = graph.getOrDefault("dev.gcl.backend", Set.of());
        List<String> sub = deps.stream().filter(p -> p.startsWith("dev.gcl.backend.")).toList();
        assertEquals(List.of(), sub, "dev.gcl.backend must find its implementations through the registry"
                + " (META-INF/services/dev.gcl.backend.BackendProvider), not import them");
    }

    @Test
    void noPackageCyclesBeyondTheKnownOnes() {
        List<Set<String>> unknown = new ArrayList<>();
        for (Set<String> cycle : cycles()) {
            if (KNOWN_CYCLES.stream().noneMatch(k -> k.containsAll(cycle))) unknown.add(cycle);
        }
        assertEquals(List.of(), unknown, "packages that depend on each other in a cycle");
    }

    /** The strongly connected components of more than one package (Tarjan's algorithm). */
    private static List<Set<String>> cycles() {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        List<Set<String>> found = new ArrayList<>();
        for (String p : graph.keySet()) if (!index.containsKey(p)) connect(p, index, low, stack, found);
        return found;
    }

    private static void connect(String v, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                                List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, index, low, stack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (stack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) found.add(component);
        }
    }
}
