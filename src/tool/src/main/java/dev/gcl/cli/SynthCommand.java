package dev.gcl.cli;

import dev.gcl.config.GclConfig;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import dev.gcl.train.SmallDataCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gcl synth}: writes a generated dataset in the real layout (per-video .npy, lists, UCF-style annotation). */
@Command(name = "synth", sortOptions = false, description = {
        "Write a generated video dataset in the layout of the real ones: features/*.npy, train/test lists,"
                + " a UCF-Crime-style annotation with frame counts, dataset.yaml. Streams: never the whole set in memory."})
final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--preset", defaultValue = "demo", description = "small (tests), demo (train's default) or ucf (UCF-Crime scale: ~8 GB) (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--train-videos", paramLabel = "N", description = "Override the preset's training videos.")
    Integer trainVideos;

    @Option(names = "--test-videos", paramLabel = "N", description = "Override the preset's test videos.")
    Integer testVideos;

    @Option(names = "--dim", paramLabel = "D", description = "Override the preset's feature dimension.")
    Integer dim;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--force", description = "Replace an existing folder.")
    boolean force;

    @Mixin
    DebugOption debug;

    @Override
    public Integer call() {
        SyntheticConfig c;
        switch (preset) {
            case "small": c = SyntheticConfig.small(seed); break;
            case "demo": c = SyntheticConfig.demo(seed); break;
            case "ucf": c = SyntheticConfig.ucfCrimeScale(seed); break;
            default: throw new BadInputException("--preset must be small, demo or ucf, got '" + preset + "'");
        }
        if (trainVideos != null || testVideos != null || dim != null) {
            try {
                c = c.withSize(trainVideos != null ? trainVideos : c.trainVideos(),
                        testVideos != null ? testVideos : c.testVideos(), dim != null ? dim : c.dim());
            } catch (IllegalArgumentException e) {
                throw new BadInputException("synth: " + e.getMessage(), e);
            }
        }
        SyntheticDatasetGenerator.Summary s;
        try (AtomicDirectory dir = AtomicDirectory.create(out, force)) {
            s = new SyntheticDatasetGenerator(c).write(dir.path());
            dir.commit();
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %d training and %d test videos (%d + %d segments, D = %d,"
                        + " %.1f MB) in %.1f s (%.0f segments/s) to %s; train with: %s%n",
                s.trainVideos(), s.testVideos(), s.trainSegments(), s.testSegments(), c.dim(), s.bytes() / 1e6,
                s.seconds(), s.segmentsPerSecond(), out, trainCommand(out.resolve("dataset.yaml"), s.trainSegments(), c.dim()));
        return Main.OK;
    }

    /**
     * A train command that learns on what was written: the paper's defaults when they give enough updates per
     * epoch (UCF-Crime scale), else the small-scale settings of {@link SmallDataCheck#smallScaleSettings}.
     */
    static String trainCommand(Path dataset, long trainSegments, int dim) {
        int rows = (int) Math.min(Integer.MAX_VALUE, trainSegments);
        StringBuilder b = new StringBuilder("gcl train --data ").append(dataset);
        if (SmallDataCheck.warning(GclConfig.defaults(), rows, dim).isEmpty()) return b.toString();
        return b.append(' ').append(SmallDataCheck.commandLine(SmallDataCheck.smallScaleSettings(rows, dim))).toString();
    }
}
