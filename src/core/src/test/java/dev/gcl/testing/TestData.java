package dev.gcl.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data the tests read, inside the repository (see {@code src/core/src/test/data/README.md} for origins and
 * licences). Every module's tests read the same folders: the parent pom passes their paths as the system properties
 * gcl.test.data and gcl.demo.data (Surefire runs each module's tests in that module's folder).
 */
public final class TestData {
    private TestData() {}

    /** The repository's root folder (docs/, kernels/, native-build/, examples/): the parent pom passes it as gcl.root. */
    public static final Path REPO = existing(Path.of(System.getProperty("gcl.root", "../..")));

    /** src/core/src/test/data: ground truth, lists, masks and ADBench tables. */
    public static final Path ROOT = existing(Path.of(System.getProperty("gcl.test.data", "src/test/data")));

    public static final Path UCF_CRIME = ROOT.resolve("ucf-crime");
    public static final Path SHANGHAITECH = ROOT.resolve("shanghaitech");
    public static final Path XD_VIOLENCE = ROOT.resolve("xd-violence");
    public static final Path ADBENCH = ROOT.resolve("adbench");

    /** The 10 real UCF-Crime C3D feature files bundled with the demo (32 segments x 4096 each, C3D text). */
    public static final Path UCF_CRIME_C3D = existing(Path.of(System.getProperty("gcl.demo.data",
            "../tool/src/main/resources/dev/gcl/demo/ucf-crime-c3d")).resolve("features"));

    private static Path existing(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IllegalStateException("test data folder missing: " + abs + " (the parent pom sets gcl.test.data and gcl.demo.data)");
        }
        return abs;
    }
}
