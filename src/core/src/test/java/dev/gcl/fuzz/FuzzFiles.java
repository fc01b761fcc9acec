package dev.gcl.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One scratch folder per fuzz-test class for the files a target writes: the readers take paths, and in fuzzing
 * mode a target runs millions of times, so the folder (under java.io.tmpdir, target/tmp-fork-N in Maven) is made
 * once and each file overwritten in place.
 */
final class FuzzFiles {
    private final Path dir;

    FuzzFiles(String name) {
        try {
            dir = Files.createTempDirectory("gcl-fuzz-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    /** Writes {@code bytes} to {@code name} in the folder (creating parents) and returns its path. */
    Path write(String name, byte[] bytes) {
        Path p = dir.resolve(name);
        try {
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
