package dev.gcl.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.backend.Activation;
import dev.gcl.config.ConfigKeys;
import dev.gcl.config.GclConfig;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.io.CrashPoint;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.DiskFull;
import dev.gcl.io.NpyHeader;
import dev.gcl.io.NpyReader;
import dev.gcl.io.NpyWriter;
import dev.gcl.model.GclModel;
import dev.gcl.model.Provenance;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.progress.EpochStats;
import dev.gcl.progress.Phase;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A model on disk: a directory with {@code weights.npz} and {@code model.json}.
 *
 * <p>{@code weights.npz} opens with {@code numpy.load}: float32 arrays named as a PyTorch {@code nn.Sequential} of
 * Linear and ReLU modules names them, {@code G.0.weight} (out, in), {@code G.0.bias}, {@code G.2.weight}, ...,
 * {@code D.0.weight}, ... (layer l of a network is module 2l). {@code model.json} holds the format version, the
 * layer widths, the full config (keys as on the command line), the seed, the score source, how the model was made
 * ({@link Provenance}: backend, precision, threads, library version, git commit, data fingerprint), metrics and the
 * training history. Files written before the provenance was recorded load with its unknown parts null.
 *
 * <p>Saving is atomic ({@link AtomicDirectory}): both files are written and fsynced in a temporary sibling
 * directory that is then renamed into place, so a crash never leaves a model that half-loads. Loading checks the format version, every array's
 * presence, dtype and shape, and the {@link GclModel#modelId() model id} where model.json records one, and says
 * what is wrong, naming the file.
 *
 * <p>Compatibility (docs/java-api.md): this gcl reads every format version up to {@link #FORMAT_VERSION}; a change
 * an older gcl would misread bumps the version, and a newer version is refused saying so. Keys an older reader may
 * ignore (the provenance, {@code model_id}) are added within a version; a file without them still loads.
 */
public final class ModelFiles {
    public static final String FORMAT = "gcl-model";
    public static final int FORMAT_VERSION = 1;
    public static final String WEIGHTS = "weights.npz";
    public static final String MODEL_JSON = "model.json";
    /** model.json's key of the {@link GclModel#modelId() model id}; absent in files written before model ids. */
    public static final String MODEL_ID = "model_id";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFiles() {}

    /**
     * What model.json says besides the weights and the model's {@link GclModel#provenance() provenance}: when it was
     * written and the test metrics. libraryVersion and dataFingerprint, when null, are taken from the provenance.
     */
    public record Metadata(String libraryVersion, String created, String dataFingerprint, Map<String, Double> metrics) {
        public Metadata {
            metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        }

        /** Written now, with these metrics (may be empty); the rest from the model's provenance. */
        public static Metadata now(Map<String, Double> metrics) {
            return new Metadata(null, Instant.now().toString(), null, metrics);
        }
    }

    /** A loaded model and its metadata. */
    public record Loaded(GclModel model, Metadata metadata) {}

    /**
     * Writes the model into {@code dir}. An existing {@code dir} is replaced only with {@code replace}; otherwise
     * an {@link IllegalArgumentException} says so and nothing is written.
     */
    public static void save(GclModel model, Metadata meta, Path dir, boolean replace) {
        try (AtomicDirectory out = AtomicDirectory.create(dir, replace)) {
            writeWeights(model, out.path().resolve(WEIGHTS));
            CrashPoint.reached("model-weights-written");
            Files.write(out.path().resolve(MODEL_JSON), JSON.writeValueAsBytes(modelJson(model, meta)));
            CrashPoint.reached("model-json-written");
            out.commit();
        } catch (IOException e) {
            throw DiskFull.orUnchecked(dir, "cannot write the model to " + dir, e);
        }
    }

    /** {@link #save(GclModel, Metadata, Path, boolean)} into a new directory, written now, without metrics. */
    public static void save(GclModel model, Path dir) {
        save(model, Metadata.now(Map.of()), dir, false);
    }

    /** Loads a model directory; problems are {@link DataFormatException}s naming the file and the cause. */
    public static Loaded load(Path dir) {
        AtomicDirectory.recover(dir);  // a model replaced with --force by a process killed between its two renames
        Path jsonFile = dir.resolve(MODEL_JSON), weightsFile = dir.resolve(WEIGHTS);
        JsonNode root = readDescription(dir, "model", jsonFile, weightsFile);
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
            throw new DataFormatException(jsonFile, "not a gcl model description (\"format\" is not \"" + FORMAT + "\")");
        }
        // the compatibility rule (docs/java-api.md): every version up to this gcl's own loads
        JsonNode versionNode = root.path("format_version");
        int version = versionNode.isIntegralNumber() && versionNode.canConvertToInt() ? versionNode.asInt() : -1;
        if (version > FORMAT_VERSION) {
            throw new DataFormatException(jsonFile, "format version " + version + " was written by a newer gcl"
                    + " (this gcl reads versions 1 to " + FORMAT_VERSION + "): upgrade gcl to load it");
        }
        if (version < 1) {
            throw new DataFormatException(jsonFile, "format version " + versionNode
                    + " is not supported (this gcl reads versions 1 to " + FORMAT_VERSION + ")");
        }
        GclConfig config = readConfig(root.path("config"), jsonFile);
        int[] gDims = readDims(root, "generator_dims", jsonFile);
        int[] dDims = root.path("discriminator_dims").isNull() || root.path("discriminator_dims").isMissingNode()
                ? null : readDims(root, "discriminator_dims", jsonFile);
        int dim = root.path("dim").asInt(-1);
        if (dim != gDims[0] || gDims[gDims.length - 1] != dim) {
            throw new DataFormatException(jsonFile, "generator_dims " + Arrays.toString(gDims)
                    + " do not start and end with dim " + dim);
        }
        if (!Arrays.equals(gDims, config.generatorDims(dim))) {
            throw new DataFormatException(jsonFile, "generator_dims " + Arrays.toString(gDims)
                    + " disagree with the config's g-hidden " + Arrays.toString(config.generatorHidden()));
        }
        if (config.variant().usesDiscriminator() != (dDims != null)) {
            throw new DataFormatException(jsonFile, "variant " + config.variant().cliName()
                    + (dDims == null ? " needs" : " has no") + " discriminator_dims");
        }
        if (dDims != null && !Arrays.equals(dDims, config.discriminatorDims(dim))) {
            throw new DataFormatException(jsonFile, "discriminator_dims " + Arrays.toString(dDims)
                    + " disagree with the config's d-hidden " + Arrays.toString(config.discriminatorHidden()));
        }
        NetworkWeights g, d = null;
        try (ZipFile zip = new ZipFile(weightsFile.toFile())) {
            g = readNetwork(zip, weightsFile, "G", gDims, Activation.IDENTITY);
            if (dDims != null) d = readNetwork(zip, weightsFile, "D", dDims, Activation.SIGMOID);
        } catch (ZipException | EOFException e) {   // EOF: a deflated entry that ends early
            throw new DataFormatException(weightsFile, "not a readable .npz (zip) file: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + weightsFile, e);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        root.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
        Metadata meta = new Metadata(root.path("library_version").asText(null), root.path("created").asText(null),
                root.path("data_fingerprint").asText(null), metrics);
        GclModel model = GclModel.of(config, g, d, readHistory(root.path("history"), jsonFile), readProvenance(root));
        checkModelId(root.path(MODEL_ID), model, jsonFile);
        return new Loaded(model, meta);
    }

    /** model.json's "model_id" must name these weights; files written before model ids have none (computed then). */
    private static void checkModelId(JsonNode recorded, GclModel model, Path jsonFile) {
        if (recorded.isMissingNode() || recorded.isNull()) return;
        if (!recorded.isTextual() || !recorded.asText().equals(model.modelId())) {
            throw new DataFormatException(jsonFile, "\"" + MODEL_ID + "\" " + recorded + " does not match the weights in "
                    + WEIGHTS + " (" + model.modelId() + "): the files do not belong together or one was changed");
        }
    }

    // ---------------------------------------------------------------- weights

    /** Array names of a network: prefix.{2l}.weight and prefix.{2l}.bias. */
    public static String weightName(String prefix, int layer) {
        return prefix + "." + (2 * layer) + ".weight";
    }

    public static String biasName(String prefix, int layer) {
        return prefix + "." + (2 * layer) + ".bias";
    }

    private static void writeWeights(GclModel model, Path file) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            writeNetwork(zip, "G", model.generator());
            CrashPoint.reached("model-weights-half");
            if (model.discriminator() != null) writeNetwork(zip, "D", model.discriminator());
        }
    }

    private static void writeNetwork(ZipOutputStream zip, String prefix, NetworkWeights net) throws IOException {
        for (int l = 0; l < net.layers(); l++) {
            writeArray(zip, weightName(prefix, l), net.weight(l), new long[] {net.dim(l + 1), net.dim(l)});
            writeArray(zip, biasName(prefix, l), net.bias(l), new long[] {net.dim(l + 1)});
        }
    }

    static void writeArray(ZipOutputStream zip, String name, float[] a, long[] shape) throws IOException {
        zip.putNextEntry(new ZipEntry(name + ".npy"));
        zip.write(NpyWriter.header("<f4", false, shape));
        ByteBuffer buf = ByteBuffer.allocate(a.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(a);
        zip.write(buf.array());
        zip.closeEntry();
    }

    private static NetworkWeights readNetwork(ZipFile zip, Path file, String prefix, int[] dims, Activation out)
            throws IOException {
        int layers = dims.length - 1;
        float[][] w = new float[layers][], b = new float[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = readArray(zip, file, weightName(prefix, l), new long[] {dims[l + 1], dims[l]});
            b[l] = readArray(zip, file, biasName(prefix, l), new long[] {dims[l + 1]});
        }
        return new NetworkWeights(dims, out, w, b);
    }

    static float[] readArray(ZipFile zip, Path file, String name, long[] shape) throws IOException {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) throw new DataFormatException(file, "array '" + name + "' is missing");
        String source = file + "[" + name + "]";
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e))) {
            NpyHeader h = NpyHeader.read(in, source);
            if (!Arrays.equals(h.shape(), shape)) {
                throw new DataFormatException(source, "shape " + h.shapeText() + ", expected "
                        + Arrays.toString(shape).replace('[', '(').replace(']', ')'));
            }
            // before allocating: model.json's widths may declare far more than the entry holds
            h.checkDataLength(e.getSize() - h.dataOffset(), source);
            if (h.elementCount(source) > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(source, "shape " + h.shapeText() + " is more than a Java array holds");
            }
            float[] a = new float[(int) h.elementCount(source)];
            NpyReader.stream(in, h, source, (v, n, first) -> System.arraycopy(v, 0, a, (int) first, n));
            for (int i = 0; i < a.length; i++) {
                if (!Float.isFinite(a[i])) throw new DataFormatException(source, "element " + i + " is " + a[i]);
            }
            return a;
        }
    }

    // ---------------------------------------------------------------- model.json

    private static ObjectNode modelJson(GclModel model, Metadata meta) {
        Provenance made = model.provenance();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("format_version", FORMAT_VERSION);
        root.put(MODEL_ID, model.modelId());
        root.put("library_version", meta.libraryVersion() != null ? meta.libraryVersion() : made.libraryVersion());
        root.put("git_commit", made.gitCommit());
        root.put("created", meta.created());
        root.put("dim", model.dim());
        root.set("generator_dims", intArray(model.generator().dims()));
        if (model.discriminator() != null) root.set("discriminator_dims", intArray(model.discriminator().dims()));
        else root.putNull("discriminator_dims");
        root.put("variant", model.variant().cliName());
        root.put("seed", model.seed());
        root.put("score_source", model.scoreSource().name().toLowerCase());
        root.put("data_fingerprint", meta.dataFingerprint() != null ? meta.dataFingerprint() : made.dataFingerprint());
        root.put("backend", made.backend());
        root.put("precision", made.precision());
        root.put("threads", made.threads());
        if (made.device() != null) root.put("device", made.device());
        if (made.backendNote() != null) root.put("backend_note", made.backendNote());
        ObjectNode config = root.putObject("config");
        ConfigKeys.toMap(model.config()).forEach(config::put);
        ObjectNode metrics = root.putObject("metrics");
        meta.metrics().forEach((k, v) -> putNumber(metrics, k, v));
        root.set("history", history(model.history()));
        return root;
    }

    /**
     * The model.json text that {@link #save(GclModel, Metadata, Path, boolean)} writes for this model and metadata
     * (what an exported ONNX file carries as its "model_json").
     */
    public static String describe(GclModel model, Metadata meta) {
        try {
            return JSON.writeValueAsString(modelJson(model, meta));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot describe the model as JSON", e);   // a tree of plain values
        }
    }

    /** The history as JSON rows (NaN written as null); also used by run reports. */
    public static ArrayNode history(List<EpochStats> history) {
        ArrayNode rows = JSON.createArrayNode();
        for (EpochStats s : history) {
            ObjectNode r = rows.addObject();
            r.put("phase", s.phase().name().toLowerCase());
            r.put("epoch", s.epoch());
            r.put("iterations", s.iterations());
            r.put("segments", s.segments());
            putNumber(r, "g_loss", s.meanGeneratorLoss());
            putNumber(r, "d_loss", s.meanDiscriminatorLoss());
            putNumber(r, "fraction_anomalous_g", s.fractionAnomalousByG());
            putNumber(r, "fraction_anomalous_d", s.fractionAnomalousByD());
            putNumber(r, "seconds", s.seconds());
            putNumber(r, "test_auc", s.testMetric());
        }
        return rows;
    }

    /** A number, or null for NaN and infinities (JSON has no NaN). */
    public static void putNumber(ObjectNode node, String key, double v) {
        if (Double.isFinite(v)) node.put(key, v);
        else node.putNull(key);
    }

    private static ArrayNode intArray(int[] a) {
        ArrayNode n = JSON.createArrayNode();
        for (int v : a) n.add(v);
        return n;
    }

    /** The provenance keys; absent or null ones (files from before they were written) stay null. */
    private static Provenance readProvenance(JsonNode root) {
        JsonNode threads = root.path("threads");
        return new Provenance(text(root, "backend"), text(root, "precision"),
                threads.canConvertToInt() && threads.isIntegralNumber() ? threads.asInt() : null,
                text(root, "library_version"), text(root, "git_commit"), text(root, "data_fingerprint"),
                text(root, "device"), text(root, "backend_note"));
    }

    private static String text(JsonNode root, String key) {
        JsonNode n = root.path(key);
        return n.isTextual() ? n.asText() : null;
    }

    static GclConfig readConfig(JsonNode node, Path file) {
        if (!node.isObject()) throw new DataFormatException(file, "\"config\" is missing or not an object");
        Map<String, String> settings = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            settings.put(e.getKey(), e.getValue().asText());
        }
        try {
            return ConfigKeys.applyAll(GclConfig.builder(), settings).build();
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(file, "config: " + e.getMessage());
        }
    }

    private static int[] readDims(JsonNode root, String key, Path file) {
        JsonNode n = root.path(key);
        if (!n.isArray() || n.size() < 2) throw new DataFormatException(file, "\"" + key + "\" is missing or too short");
        int[] dims = new int[n.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!n.get(i).isInt() || n.get(i).asInt() <= 0) {
                throw new DataFormatException(file, "\"" + key + "\" holds " + n.get(i) + ", not a positive width");
            }
            dims[i] = n.get(i).asInt();
        }
        return dims;
    }

    static List<EpochStats> readHistory(JsonNode rows, Path file) {
        List<EpochStats> h = new ArrayList<>();
        if (!rows.isArray()) return h;
        for (JsonNode r : rows) {
            h.add(new EpochStats(phase(r.path("phase").asText("cooperative"), h.size(), file),
                    r.path("epoch").asInt(), r.path("iterations").asInt(), r.path("segments").asInt(),
                    num(r, "g_loss"), num(r, "d_loss"), num(r, "fraction_anomalous_g"), num(r, "fraction_anomalous_d"),
                    num(r, "seconds"), num(r, "test_auc")));
        }
        return h;
    }

    /** Phase.valueOf's own error would name neither the file nor the row. */
    private static Phase phase(String name, int row, Path file) {
        for (Phase p : Phase.values()) if (p.name().equalsIgnoreCase(name)) return p;
        throw new DataFormatException(file, "history row " + row + ": unknown phase '" + name + "'");
    }

    private static double num(JsonNode r, String key) {
        JsonNode n = r.path(key);
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /**
     * The JSON description of a model or checkpoint directory, after checking that the directory, the description
     * and its arrays file exist; a DataFormatException naming the first that does not, or the JSON that is broken.
     */
    static JsonNode readDescription(Path dir, String kind, Path jsonFile, Path arraysFile) {
        if (!Files.isDirectory(dir)) throw new DataFormatException(dir, "not a " + kind + " directory (no such directory)");
        if (!Files.isRegularFile(jsonFile)) throw new DataFormatException(jsonFile, "missing");
        if (!Files.isRegularFile(arraysFile)) throw new DataFormatException(arraysFile, "missing");
        try {
            return JSON.readTree(jsonFile.toFile());
        } catch (IOException e) {
            throw new DataFormatException(jsonFile, "not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
