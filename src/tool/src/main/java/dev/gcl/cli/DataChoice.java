package dev.gcl.cli;

import dev.gcl.data.Dataset;
import dev.gcl.data.DatasetLoader;
import dev.gcl.io.CrashPoint;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.LoadProgress;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a run's data comes from: {@code --data PATH} (a dataset description in YAML/JSON, or an .npz with X and y),
 * or the built-in defaults: a generated video dataset and the real UCF-Crime C3D sample bundled in the jar.
 */
final class DataChoice {
    /** Resource folder of the bundled C3D sample and its files. */
    private static final String C3D = "/dev/gcl/demo/ucf-crime-c3d/";
    private static final List<String> C3D_VIDEOS = List.of("Explosion008_x264", "Explosion025_x264",
            "Normal_Videos_006_x264", "Normal_Videos_024_x264", "RoadAccidents002_x264", "RoadAccidents022_x264",
            "RoadAccidents123_x264", "Shooting008_x264", "Shooting033_x264", "Shoplifting028_x264");

    private DataChoice() {}

    /** Loads --data; a missing file is bad input. */
    static Dataset load(Path path) {
        return load(path, LoadProgress.NONE);
    }

    /** {@link #load(Path)}, showing how loading the training feature files goes. */
    static Dataset load(Path path, LoadProgress progress) {
        if (!Files.exists(path)) throw new BadInputException(path + ": no such file");
        String name = path.getFileName().toString().toLowerCase();
        Dataset ds = name.endsWith(".npz") ? DatasetLoader.fromNpz(path) : DatasetLoader.load(path, progress);
        if (ds.train().rows() < 2) {
            throw new DataFormatException(path, "holds " + ds.train().rows() + " training segment"
                    + (ds.train().rows() == 1 ? "" : "s") + "; training needs at least 2");
        }
        CrashPoint.reached("data-loaded");
        return ds;
    }

    /** The generated demo dataset: 200 training and 60 test videos, D = 64, written under dir and loaded. */
    static Dataset generatedDemo(Path dir, long seed) {
        SyntheticConfig c = SyntheticConfig.demo(seed);
        new SyntheticDatasetGenerator(c).write(dir);
        return DatasetLoader.load(dir.resolve("dataset.yaml"));
    }

    /** The bundled real C3D sample, copied out of the jar into dir and loaded. */
    static Dataset c3dSample(Path dir) {
        try {
            Files.createDirectories(dir.resolve("features"));
            copy("dataset.yaml", dir);
            copy("annotation.txt", dir);
            copy("videos.txt", dir);
            copy("ORIGIN.md", dir);
            for (String v : C3D_VIDEOS) copy("features/" + v + ".txt", dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the bundled C3D sample into " + dir, e);
        }
        return DatasetLoader.load(dir.resolve("dataset.yaml"));
    }

    private static void copy(String resource, Path dir) throws IOException {
        try (InputStream in = DataChoice.class.getResourceAsStream(C3D + resource)) {
            if (in == null) throw new IOException("resource " + C3D + resource + " is missing from the jar");
            Files.copy(in, dir.resolve(resource), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
