package dev.gcl.api;

import dev.gcl.Gcl;
import dev.gcl.api.Internal;
import dev.gcl.model.GclModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The public surface, enforced (the jar has no module-info: docs/java-api.md says why). The exported packages are
 * the API; every other package is internal. A public or protected member of an exported type may name only JDK
 * types, exported types, and the few third-party types listed below, unless it is marked {@link Internal}; the
 * exported packages are the ones docs/java-api.md lists.
 */
class ApiSurfaceTest {
    /** Training, its settings and progress, model loading and scoring, data loading, evaluation, the API's marks. */
    static final Set<String> EXPORTED = Set.of("dev.gcl", "dev.gcl.config", "dev.gcl.progress", "dev.gcl.data",
            "dev.gcl.eval", "dev.gcl.io", "dev.gcl.model", "dev.gcl.export", "dev.gcl.api");

    /** Third-party packages an exported signature may name: Jackson is a compile dependency of the library. */
    static final Set<String> THIRD_PARTY = Set.of("com.fasterxml.jackson.databind.node");

    /** API types that live in an internal package: NlTarget is a GclConfig setting, beside the ops that use it. */
    static final Set<String> EXPORTED_ELSEWHERE = Set.of("dev.gcl.backend.NlTarget");

    /** Types of exported packages that are not API: the gcl tool's checkpoint files (docs/java-api.md says so). */
    static final Set<String> NOT_API = Set.of("dev.gcl.model.CheckpointFiles");

    @Test
    void exportedSignaturesNameNoInternalType() throws Exception {
        List<String> violations = new ArrayList<>();
        for (Class<?> type : mainClasses()) {
            if (!EXPORTED.contains(type.getPackageName()) || !isVisible(type) || NOT_API.contains(outermost(type))) {
                continue;
            }
            check(type, "extends", type.getGenericSuperclass(), violations);
            for (Type t : type.getGenericInterfaces()) check(type, "implements", t, violations);
            for (Field f : type.getDeclaredFields()) {
                if (visible(f) && !f.isSynthetic() && !f.isAnnotationPresent(Internal.class)) {
                    check(type, f.getName(), f.getGenericType(), violations);
                }
            }
            List<Executable> members = new ArrayList<>(List.of(type.getDeclaredMethods()));
            members.addAll(List.of(type.getDeclaredConstructors()));
            for (Executable m : members) {
                if (!visible(m) || m.isSynthetic() || m.isAnnotationPresent(Internal.class)) continue;
                if (m instanceof Method method && method.isBridge()) continue;
                String name = m instanceof Constructor ? "<init>" : m.getName();
                if (m instanceof Method method) check(type, name, method.getGenericReturnType(), violations);
                for (Type p : m.getGenericParameterTypes()) check(type, name, p, violations);
                for (Type e : m.getGenericExceptionTypes()) check(type, name, e, violations);
            }
        }
        assertTrue(violations.isEmpty(), "exported signatures naming internal types (mark the member @Internal"
                + " with its reason, or keep the type out of the API):\n" + String.join("\n", violations));
    }

    @Test
    void everyExportedPackageHasPublicTypesAndIsListedInTheDocs() throws Exception {
        Set<String> withPublicTypes = new TreeSet<>();
        for (Class<?> type : mainClasses()) if (isVisible(type)) withPublicTypes.add(type.getPackageName());
        assertTrue(withPublicTypes.containsAll(EXPORTED), withPublicTypes.toString());
        String doc = Files.readString(dev.gcl.testing.TestData.REPO.resolve("docs/java-api.md"));
        for (String p : EXPORTED) assertTrue(doc.contains("`" + p + "`"), "docs/java-api.md does not list " + p);
        for (String t : EXPORTED_ELSEWHERE) assertTrue(doc.contains("`" + t + "`"), "docs/java-api.md: " + t);
        for (String t : NOT_API) assertTrue(doc.contains("`" + t + "`"), "docs/java-api.md: " + t);
    }

    @Test
    void modelsAreBuiltByFactoriesOnly() {
        assertEquals(0, GclModel.class.getConstructors().length, "GclModel has a public constructor");
        assertEquals(1, Gcl.class.getConstructors().length, "Gcl(GclConfig) is its only public constructor");
    }

    /** The test is only as good as its scan: it must see the internal types it guards against. */
    @Test
    void theScanSeesInternalTypes() throws Exception {
        Set<String> names = new TreeSet<>();
        for (Class<?> c : mainClasses()) names.add(c.getName());
        assertTrue(names.containsAll(List.of("dev.gcl.nn.NetworkWeights", "dev.gcl.train.TrainerState",
                "dev.gcl.backend.reference.ReferenceBackend", "dev.gcl.model.GclModel")), names.size() + " classes");
        List<String> violations = new ArrayList<>();
        check(GclModel.class, "generator", GclModel.class.getMethod("generator").getGenericReturnType(), violations);
        assertEquals(1, violations.size(), "an unmarked NetworkWeights return would be caught");
    }

    private static void check(Class<?> owner, String member, Type t, List<String> violations) {
        for (Class<?> c : classesIn(t)) {
            while (c.isArray()) c = c.getComponentType();
            if (c.isPrimitive()) continue;
            String pkg = c.getPackageName();
            boolean ok = pkg.startsWith("java.") || EXPORTED.contains(pkg) || THIRD_PARTY.contains(pkg)
                    || EXPORTED_ELSEWHERE.contains(c.getName());
            if (!ok) violations.add(owner.getName() + "." + member + ": " + c.getName());
        }
    }

    /** Every class a (generic) type names: type arguments, wildcard and type-variable bounds, array components. */
    private static List<Class<?>> classesIn(Type t) {
        List<Class<?>> out = new ArrayList<>();
        collect(t, out, new ArrayList<>());
        return out;
    }

    private static void collect(Type t, List<Class<?>> out, List<Type> seen) {
        if (t == null || seen.contains(t)) return;
        seen.add(t);
        if (t instanceof Class<?> c) {
            out.add(c);
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), out, seen);
            for (Type a : p.getActualTypeArguments()) collect(a, out, seen);
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) collect(b, out, seen);
            for (Type b : w.getLowerBounds()) collect(b, out, seen);
        } else if (t instanceof GenericArrayType a) {
            collect(a.getGenericComponentType(), out, seen);
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) collect(b, out, seen);
        }
    }

    private static String outermost(Class<?> c) {
        while (c.getEnclosingClass() != null) c = c.getEnclosingClass();
        return c.getName();
    }

    private static boolean visible(Member m) {
        return Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers());
    }

    /** Public, and every enclosing type too (a public nested type of a package-private class is not API). */
    private static boolean isVisible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) return false;
        }
        return true;
    }

    /** Every class of the library (target/classes), loaded without initialising. */
    static List<Class<?>> mainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(Gcl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String rel = root.relativize(f).toString();
                if (!rel.endsWith(".class") || rel.endsWith("package-info.class") || rel.equals("module-info.class")) {
                    continue;
                }
                String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                out.add(Class.forName(name, false, ApiSurfaceTest.class.getClassLoader()));
            }
        }
        return out;
    }
}
