package dev.gcl.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.backend.Activation;
import dev.gcl.config.ConfigKeys;
import dev.gcl.config.GclConfig;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.io.CrashPoint;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.DiskFull;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.nn.OptimizerState;
import dev.gcl.train.TrainerState;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A training checkpoint on disk: a directory with {@code state.npz} (both networks' parameters, named as in
 * {@code weights.npz}, and their RMSprop state as {@code <name>.square_avg} and {@code <name>.momentum_buffer})
 * and {@code state.json} (format version, position, config, data source and fingerprint, history, the partial
 * sums of the epoch in progress, and the run's own options). Written atomically: a crash leaves the previous
 * checkpoint whole.
 */
public final class CheckpointFiles {
    public static final String FORMAT = "gcl-checkpoint";
    public static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CheckpointFiles() {}

    /**
     * A checkpoint with what a resumed run needs besides the trainer state: the config, where the data came from
     * (and its fingerprint, to refuse other data), and the run's options (output directory and the like).
     */
    public record Checkpoint(TrainerState state, GclConfig config, String dataSource, String dataFingerprint,
                             Map<String, String> runOptions) {
        public Checkpoint {
            runOptions = Map.copyOf(runOptions);
        }
    }

    public static void write(Path dir, Checkpoint c) {
        try (AtomicDirectory out = AtomicDirectory.create(dir, true)) {
            try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(out.path().resolve("state.npz"))))) {
                writeNetwork(zip, "G", c.state().generator(), c.state().generatorOptimizer());
                CrashPoint.reached("checkpoint-npz-half");
                if (c.state().discriminator() != null) {
                    writeNetwork(zip, "D", c.state().discriminator(), c.state().discriminatorOptimizer());
                }
            }
            CrashPoint.reached("checkpoint-npz-written");
            Files.write(out.path().resolve("state.json"), JSON.writeValueAsBytes(json(c)));
            CrashPoint.reached("checkpoint-json-written");
            out.commit();
        } catch (IOException e) {
            throw DiskFull.orUnchecked(dir, "cannot write the checkpoint " + dir, e);
        }
    }

    /**
     * Whether dir is there to be read (it may still be refused by {@link #read(Path)}); first puts back a
     * checkpoint that a process killed while replacing it had set aside ({@link AtomicDirectory#recover}).
     */
    public static boolean exists(Path dir) {
        AtomicDirectory.recover(dir);
        return Files.isDirectory(dir);
    }

    public static Checkpoint read(Path dir) {
        AtomicDirectory.recover(dir);
        Path jsonFile = dir.resolve("state.json"), npz = dir.resolve("state.npz");
        JsonNode root = ModelFiles.readDescription(dir, "checkpoint", jsonFile, npz);
        if (root == null || !FORMAT.equals(root.path("format").asText())) {
            throw new DataFormatException(jsonFile, "not a gcl checkpoint (\"format\" is not \"" + FORMAT + "\")");
        }
        if (root.path("format_version").asInt(-1) != FORMAT_VERSION) {
            throw new DataFormatException(jsonFile, "format version " + root.path("format_version")
                    + " is not supported (this gcl reads version " + FORMAT_VERSION + ")");
        }
        GclConfig config = ModelFiles.readConfig(root.path("config"), jsonFile);
        JsonNode p = root.path("position");
        TrainerState.Position position = new TrainerState.Position(p.path("phase").asInt(), p.path("epoch").asInt(),
                p.path("batch_start").asInt(), p.path("global_iteration").asInt());
        JsonNode e = root.path("epoch_progress");
        TrainerState.EpochProgress progress = new TrainerState.EpochProgress(e.path("iterations").asInt(),
                e.path("segments").asLong(), e.path("generator_loss_sum").asDouble(),
                e.path("discriminator_loss_sum").asDouble(), e.path("anomalous_by_g").asLong(),
                e.path("anomalous_by_d").asLong(), e.path("has_g").asBoolean(), e.path("has_d").asBoolean(),
                e.path("has_labels_g").asBoolean(), e.path("has_labels_d").asBoolean(), e.path("seconds").asDouble());
        int dim = root.path("dim").asInt(-1);
        if (dim <= 0) throw new DataFormatException(jsonFile, "\"dim\" is missing");
        int[] gDims = config.generatorDims(dim);
        int[] dDims = config.variant().usesDiscriminator() ? config.discriminatorDims(dim) : null;
        TrainerState state;
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            Object[] g = readNetwork(zip, npz, "G", gDims, Activation.IDENTITY);
            Object[] d = dDims == null ? new Object[2] : readNetwork(zip, npz, "D", dDims, Activation.SIGMOID);
            state = new TrainerState(position, (NetworkWeights) g[0], (OptimizerState) g[1], (NetworkWeights) d[0],
                    (OptimizerState) d[1], ModelFiles.readHistory(root.path("history"), jsonFile), progress);
        } catch (ZipException ex) {
            throw new DataFormatException(npz, "not a readable .npz (zip) file: " + ex.getMessage());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + npz, ex);
        }
        Map<String, String> options = new LinkedHashMap<>();
        root.path("run_options").fields().forEachRemaining(f -> options.put(f.getKey(), f.getValue().asText()));
        return new Checkpoint(state, config, root.path("data").path("source").asText(null),
                root.path("data").path("fingerprint").asText(null), options);
    }

    private static ObjectNode json(Checkpoint c) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put("created", Instant.now().toString());
        root.put("dim", c.state().generator().inputDim());
        TrainerState.Position p = c.state().position();
        ObjectNode pos = root.putObject("position");
        pos.put("phase", p.phase());
        pos.put("epoch", p.epoch());
        pos.put("batch_start", p.batchStart());
        pos.put("global_iteration", p.globalIteration());
        ObjectNode config = root.putObject("config");
        ConfigKeys.toMap(c.config()).forEach(config::put);
        ObjectNode data = root.putObject("data");
        data.put("source", c.dataSource());
        data.put("fingerprint", c.dataFingerprint());
        TrainerState.EpochProgress e = c.state().epochProgress();
        ObjectNode ep = root.putObject("epoch_progress");
        ep.put("iterations", e.iterations());
        ep.put("segments", e.segments());
        ep.put("generator_loss_sum", e.generatorLossSum());
        ep.put("discriminator_loss_sum", e.discriminatorLossSum());
        ep.put("anomalous_by_g", e.anomalousByG());
        ep.put("anomalous_by_d", e.anomalousByD());
        ep.put("has_g", e.hasG());
        ep.put("has_d", e.hasD());
        ep.put("has_labels_g", e.hasLabelsG());
        ep.put("has_labels_d", e.hasLabelsD());
        ep.put("seconds", e.seconds());
        root.set("history", ModelFiles.history(c.state().history()));
        ObjectNode options = root.putObject("run_options");
        c.runOptions().forEach(options::put);
        return root;
    }

    private static void writeNetwork(ZipOutputStream zip, String prefix, NetworkWeights w, OptimizerState o)
            throws IOException {
        for (int l = 0; l < w.layers(); l++) {
            long[] ws = {w.dim(l + 1), w.dim(l)}, bs = {w.dim(l + 1)};
            String wn = ModelFiles.weightName(prefix, l), bn = ModelFiles.biasName(prefix, l);
            ModelFiles.writeArray(zip, wn, w.weight(l), ws);
            ModelFiles.writeArray(zip, bn, w.bias(l), bs);
            ModelFiles.writeArray(zip, wn + ".square_avg", o.squareAvgWeight()[l], ws);
            ModelFiles.writeArray(zip, bn + ".square_avg", o.squareAvgBias()[l], bs);
            ModelFiles.writeArray(zip, wn + ".momentum_buffer", o.momentumWeight()[l], ws);
            ModelFiles.writeArray(zip, bn + ".momentum_buffer", o.momentumBias()[l], bs);
        }
    }

    /** {NetworkWeights, OptimizerState}. */
    private static Object[] readNetwork(ZipFile zip, Path file, String prefix, int[] dims, Activation out)
            throws IOException {
        int layers = dims.length - 1;
        float[][] w = new float[layers][], b = new float[layers][], vw = new float[layers][], vb = new float[layers][],
                mw = new float[layers][], mb = new float[layers][];
        for (int l = 0; l < layers; l++) {
            long[] ws = {dims[l + 1], dims[l]}, bs = {dims[l + 1]};
            String wn = ModelFiles.weightName(prefix, l), bn = ModelFiles.biasName(prefix, l);
            w[l] = ModelFiles.readArray(zip, file, wn, ws);
            b[l] = ModelFiles.readArray(zip, file, bn, bs);
            vw[l] = ModelFiles.readArray(zip, file, wn + ".square_avg", ws);
            vb[l] = ModelFiles.readArray(zip, file, bn + ".square_avg", bs);
            mw[l] = ModelFiles.readArray(zip, file, wn + ".momentum_buffer", ws);
            mb[l] = ModelFiles.readArray(zip, file, bn + ".momentum_buffer", bs);
        }
        return new Object[] {new NetworkWeights(dims, out, w, b), new OptimizerState(vw, vb, mw, mb)};
    }
}
