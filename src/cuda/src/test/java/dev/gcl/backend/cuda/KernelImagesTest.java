package dev.gcl.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The committed kernel images, native-build/kernel-images/, with no nvcc: built from the kernels/ sources of this
 * checkout (the staleness test), their bytes as their manifest says, and the ones the build put into the classes
 * (so the jar carries them). native-build/build-kernels.sh writes them ({@code --refresh}) and copies them.
 */
class KernelImagesTest {
    static final Path COMMITTED = dev.gcl.testing.TestData.REPO.resolve("native-build/kernel-images");
    static final Path KERNELS = dev.gcl.testing.TestData.REPO.resolve("kernels");
    static final String MANIFEST = "gcl_kernels.properties";
    static final String RESOURCES = "/dev/gcl/backend/cuda/";
    static final String REFRESH = "native-build/build-kernels.sh --refresh";

    /**
     * The manifest's sources.sha256, as native-build/build-kernels.sh defines it: SHA-256 of the concatenation, over
     * the files kernels/*.cu and kernels/*.cuh in ascending byte order of their names, of the name (no folder), one
     * newline, then the file's bytes.
     */
    static String sourcesSha256(Path kernels) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(kernels)) {
            list.filter(p -> Files.isRegularFile(p))
                    .filter(p -> p.getFileName().toString().endsWith(".cu") || p.getFileName().toString().endsWith(".cuh"))
                    .forEach(files::add);
        }
        files.sort((a, b) -> Arrays.compareUnsigned(nameBytes(a), nameBytes(b)));
        MessageDigest sha = sha256();
        for (Path file : files) {
            sha.update(nameBytes(file));
            sha.update((byte) '\n');
            sha.update(Files.readAllBytes(file));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static byte[] nameBytes(Path p) {
        return p.getFileName().toString().getBytes(StandardCharsets.UTF_8);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static Properties committedManifest() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(COMMITTED), "no native-build/kernel-images/ here (a device bundle)");
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(COMMITTED.resolve(MANIFEST))) {
            p.load(in);
        }
        return p;
    }

    static byte[] classesResource(String file) {
        try (InputStream in = KernelImagesTest.class.getResourceAsStream(RESOURCES + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void committedImagesWereBuiltFromTheseKernelSources() throws IOException {
        Properties manifest = committedManifest();
        Assumptions.assumeTrue(Files.isDirectory(KERNELS), "no kernels/ sources here");
        String now = sourcesSha256(KERNELS);
        assertEquals(manifest.getProperty("sources.sha256"), now,
                "native-build/kernel-images/ is stale: it was built from other kernels/ sources (its manifest's "
                        + "sources.sha256 against kernels/ now). Refresh it where nvcc 13 works: " + REFRESH
                        + ", then commit native-build/kernel-images/");
    }

    /** The definition, pinned on a tiny folder: a change of the rule would break the build script's twin. */
    @Test
    void sourcesHashFollowsItsDefinition(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.cu"), "B");
        Files.writeString(dir.resolve("a_x.cuh"), "AX");
        Files.writeString(dir.resolve("a.cu"), "A");
        Files.writeString(dir.resolve("README.md"), "not a source");
        // byte order: "a.cu" < "a_x.cuh" < "b.cu" ('.' 0x2E < '_' 0x5F)
        MessageDigest sha = sha256();
        sha.update("a.cu\nAa_x.cuh\nAXb.cu\nB".getBytes(StandardCharsets.UTF_8));
        assertEquals(HexFormat.of().formatHex(sha.digest()), sourcesSha256(dir));
    }

    @Test
    void manifestNamesEachImageWithTheSha256OfItsBytes() throws IOException {
        Properties manifest = committedManifest();
        List<String> images = Arrays.asList(manifest.getProperty("images", "").trim().split(" "));
        assertEquals(List.of("fatbin", "ptx", "ptx75"), images);
        for (String image : images) {
            String file = manifest.getProperty("image." + image + ".file");
            assertNotNull(file, "image." + image + ".file");
            byte[] bytes = Files.readAllBytes(COMMITTED.resolve(file));
            assertEquals(manifest.getProperty("image." + image + ".sha256"), HexFormat.of().formatHex(sha256().digest(bytes)),
                    file + ": bytes differ from the manifest's sha256 (edited by hand, or line endings converted?)");
        }
    }

    @Test
    void manifestHasTheKeysTheHostReads() throws IOException {
        Properties manifest = committedManifest();
        Set<String> expected = new TreeSet<>(List.of("sources.sha256", "nvcc", "flags", "entries", "images", "tf32.min.cc"));
        for (String image : List.of("fatbin", "ptx", "ptx75")) {
            for (String key : List.of("file", "sha256", "min.driver")) expected.add("image." + image + "." + key);
        }
        expected.addAll(List.of("image.fatbin.cubins", "image.fatbin.ptx", "image.fatbin.ptx.version",
                "image.ptx.target", "image.ptx.ptx.version", "image.ptx75.target", "image.ptx75.ptx.version"));
        assertEquals(expected, manifest.stringPropertyNames());
        assertEquals("-std=c++17 -fmad=false", manifest.getProperty("flags"));
        assertTrue(manifest.getProperty("nvcc").matches("release \\d+\\.\\d+, V[\\d.]+"), manifest.getProperty("nvcc"));
        assertEquals("sm_75 sm_80 sm_86 sm_89 sm_90 sm_100 sm_120", manifest.getProperty("image.fatbin.cubins"));
        assertEquals("compute_90", manifest.getProperty("image.fatbin.ptx"));
        assertEquals("13000", manifest.getProperty("image.fatbin.min.driver"));
        assertEquals("sm_80", manifest.getProperty("image.ptx.target"));
        assertEquals("sm_75", manifest.getProperty("image.ptx75.target"));
        assertEquals("7.0", manifest.getProperty("image.ptx.ptx.version"));
        assertEquals("7.0", manifest.getProperty("image.ptx75.ptx.version"));
        assertEquals("11000", manifest.getProperty("image.ptx.min.driver"));
        assertEquals("11000", manifest.getProperty("image.ptx75.min.driver"));
        assertEquals("8.0", manifest.getProperty("tf32.min.cc"));
        assertEquals(new TreeSet<>(CudaRuntime.KERNELS),
                new TreeSet<>(Arrays.asList(manifest.getProperty("entries").split(" "))),
                "the manifest's entries against the kernels CudaBackend launches");
    }

    /** The build copied the committed images into the classes (or built the same bytes): the jar carries them. */
    @Test
    void classesCarryTheCommittedImages() throws IOException {
        Properties manifest = committedManifest();
        Properties built = new Properties();
        byte[] builtManifest = classesResource(MANIFEST);
        assertNotNull(builtManifest, "no " + MANIFEST + " in the classes: build-kernels.sh did not run, or found no images");
        built.load(new ByteArrayInputStream(builtManifest));
        Assumptions.assumeFalse(
                built.getProperty("sources.sha256", "").equals(manifest.getProperty("sources.sha256"))
                        && !built.getProperty("nvcc", "").equals(manifest.getProperty("nvcc")),
                "the classes hold images rebuilt (GCL_KERNELS=rebuild) by another nvcc (" + built.getProperty("nvcc")
                        + ") than the committed ones' (" + manifest.getProperty("nvcc") + ")");
        List<String> files = new ArrayList<>(List.of(MANIFEST));
        for (String image : manifest.getProperty("images").split(" ")) files.add(manifest.getProperty("image." + image + ".file"));
        for (String file : files) {
            assertArrayEquals(Files.readAllBytes(COMMITTED.resolve(file)), classesResource(file),
                    file + " in the classes differs from native-build/kernel-images/ (stale images rebuilt by nvcc? "
                            + "refresh with " + REFRESH + " and commit)");
        }
    }
}
