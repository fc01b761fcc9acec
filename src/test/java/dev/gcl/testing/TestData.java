package dev.gcl.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data the tests read, inside the repository (see {@code src/test/data/README.md} for origins and
 * licences). Surefire runs with the project root as working directory.
 */
public final class TestData {
    private TestData() {}

    /** src/test/data: ground truth, lists, masks and ADBench tables. */
    public static final Path ROOT = existing(Path.of("src/test/data"));

    public static final Path UCF_CRIME = ROOT.resolve("ucf-crime");
    public static final Path SHANGHAITECH = ROOT.resolve("shanghaitech");
    public static final Path XD_VIOLENCE = ROOT.resolve("xd-violence");
    public static final Path ADBENCH = ROOT.resolve("adbench");

    /** The 10 real UCF-Crime C3D feature files bundled with the demo (32 segments x 4096 each, C3D text). */
    public static final Path UCF_CRIME_C3D = existing(Path.of("src/main/resources/dev/gcl/demo/ucf-crime-c3d/features"));

    private static Path existing(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new IllegalStateException("test data folder missing: " + abs + " (tests run from the repository root)");
        }
        return abs;
    }
}
