package dev.gcl.export;

import dev.gcl.backend.Activation;
import dev.gcl.config.ScoreSource;
import dev.gcl.io.Durable;
import dev.gcl.io.InvalidInputException;
import dev.gcl.model.GclModel;
import dev.gcl.model.ModelFiles;
import dev.gcl.model.Provenance;
import dev.gcl.nn.NetworkWeights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A model's scoring graph as an ONNX file, scoring as {@link GclModel#score} does: input {@code features}
 * [batch, D] float32 (batch dynamic), output {@code score} [batch] float32. Each dense layer is a {@code Gemm}
 * with the stored (out, in) weight ({@code transB = 1}) and its bias, a {@code Relu} after every hidden layer; by
 * D, a {@code Sigmoid} after D's last layer (D's probability); by reconstruction, G's output (no activation) minus
 * the input, squared, {@code ReduceMean} over the features (mean_j (G(x)_j - x_j)²). gcl applies no input
 * normalisation, so neither does the graph: it takes the rows {@code gcl score} takes (crops already averaged).
 *
 * <p>IR version 7 and opset 13: ONNX Runtime 1.6 (2020) and every later release load it, as do TensorRT 8 and
 * Triton's ONNX backend; the graph uses only operators unchanged since (Gemm, Relu, Sigmoid, Sub, Mul,
 * ReduceMean with its axes as an attribute, Reshape). The file carries only the network that scores (G or D) and
 * no training state (optimiser moments, history beyond model.json's copy, the other network).
 *
 * <p>{@code metadata_props}: see {@link #metadata}. Writing is atomic: the bytes go to a hidden sibling that is
 * fsynced and renamed onto the file ({@link Durable#writeFile}), so a reader never sees half a model.
 */
public final class OnnxExport {
    /** The ONNX IR version written (IR 7, ONNX 1.7+). */
    public static final int IR_VERSION = 7;
    /** The ai.onnx operator set imported. */
    public static final int OPSET = 13;
    /** The graph's input and output names. */
    public static final String INPUT = "features", OUTPUT = "score";
    /** The version of this export's layout (names, metadata keys), written as ModelProto.model_version. */
    public static final int EXPORT_VERSION = 1;

    // onnx/onnx.proto (onnx 1.7+), field numbers as declared there:
    // ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, domain = 4, model_version = 5,
    //   doc_string = 6, graph = 7, opset_import = 8, metadata_props = 14
    private static final int MODEL_IR_VERSION = 1, MODEL_PRODUCER_NAME = 2, MODEL_PRODUCER_VERSION = 3,
            MODEL_DOMAIN = 4, MODEL_VERSION = 5, MODEL_DOC = 6, MODEL_GRAPH = 7, MODEL_OPSET = 8, MODEL_METADATA = 14;
    // OperatorSetIdProto: domain = 1, version = 2
    private static final int OPSET_VERSION = 2;
    // StringStringEntryProto: key = 1, value = 2
    private static final int ENTRY_KEY = 1, ENTRY_VALUE = 2;
    // GraphProto: node = 1, name = 2, initializer = 5, doc_string = 10, input = 11, output = 12
    private static final int GRAPH_NODE = 1, GRAPH_NAME = 2, GRAPH_INITIALIZER = 5, GRAPH_INPUT = 11, GRAPH_OUTPUT = 12;
    // NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5
    private static final int NODE_INPUT = 1, NODE_OUTPUT = 2, NODE_NAME = 3, NODE_OP = 4, NODE_ATTRIBUTE = 5;
    // AttributeProto: name = 1, i = 3, ints = 8, type = 20; AttributeType INT = 2, INTS = 7
    private static final int ATTR_NAME = 1, ATTR_I = 3, ATTR_INTS = 8, ATTR_TYPE = 20, ATTR_INT = 2, ATTR_INTS_TYPE = 7;
    // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9; DataType FLOAT = 1, INT64 = 7
    private static final int TENSOR_DIMS = 1, TENSOR_TYPE = 2, TENSOR_NAME = 8, TENSOR_RAW = 9, FLOAT = 1, INT64 = 7;
    // ValueInfoProto: name = 1, type = 2
    private static final int VALUE_NAME = 1, VALUE_TYPE = 2;
    // TypeProto: tensor_type = 1; TypeProto.Tensor: elem_type = 1, shape = 2
    private static final int TYPE_TENSOR = 1, TENSOR_ELEM_TYPE = 1, TENSOR_SHAPE = 2;
    // TensorShapeProto: dim = 1; TensorShapeProto.Dimension: dim_value = 1, dim_param = 2
    private static final int SHAPE_DIM = 1, DIM_VALUE = 1, DIM_PARAM = 2;

    private OnnxExport() {}

    /**
     * Writes the model's own score ({@link GclModel#scoreSource()}) to {@code file}; an existing file is replaced
     * only with {@code replace} (else an {@link InvalidInputException} and nothing written). The metadata's
     * model_json is the description {@link ModelFiles#save} writes, without creation time or metrics.
     */
    public static void write(GclModel model, Path file, boolean replace) {
        write(model, new ModelFiles.Metadata(null, null, null, Map.of()), ScoreSource.AUTO, file, replace);
    }

    /**
     * Writes a loaded model ({@link ModelFiles#load}) scoring by {@code source} ({@code AUTO}: the model's own;
     * {@code DISCRIMINATOR} needs a D) to {@code file}; the metadata's model_json is the model's description with
     * the loaded creation time and metrics.
     */
    public static void write(ModelFiles.Loaded loaded, ScoreSource source, Path file, boolean replace) {
        write(loaded.model(), loaded.metadata(), source, file, replace);
    }

    private static void write(GclModel model, ModelFiles.Metadata meta, ScoreSource source, Path file,
                              boolean replace) {
        if (Files.isDirectory(file)) throw new InvalidInputException(file + ": is a directory, not a file name");
        if (Files.exists(file) && !replace) {
            throw new InvalidInputException(file + ": already exists (use --force to replace it)");
        }
        byte[] bytes = toBytes(model, meta, source);
        Durable.writeFile(file, bytes);
    }

    /** The ONNX file's bytes (a serialized ModelProto) for the model scoring by {@code source}. */
    public static byte[] toBytes(GclModel model, ModelFiles.Metadata meta, ScoreSource source) {
        ScoreSource by = source == null || source == ScoreSource.AUTO ? model.scoreSource() : source;
        if (by == ScoreSource.DISCRIMINATOR && model.discriminator() == null) {
            throw new InvalidInputException("this " + model.variant().cliName() + " model has no discriminator");
        }
        Protobuf graph = new Protobuf().string(GRAPH_NAME, "gcl_score");
        graph.message(GRAPH_INPUT, valueInfo(INPUT, model.dim()));
        if (by == ScoreSource.DISCRIMINATOR) {
            String p = dense(graph, "D", model.discriminator());   // [batch, 1], the sigmoid applied
            graph.message(GRAPH_INITIALIZER, new Protobuf().varint(TENSOR_DIMS, 1).varint(TENSOR_TYPE, INT64)
                    .string(TENSOR_NAME, "score_shape").longsLittleEndian(TENSOR_RAW, -1));
            graph.message(GRAPH_NODE, node("score", "Reshape", new String[] {p, "score_shape"}, OUTPUT));
        } else {
            String recon = dense(graph, "G", model.generator());
            graph.message(GRAPH_NODE, node("G.error", "Sub", new String[] {recon, INPUT}, "G.error"));
            graph.message(GRAPH_NODE, node("G.squared_error", "Mul", new String[] {"G.error", "G.error"},
                    "G.squared_error"));
            graph.message(GRAPH_NODE, node("score", "ReduceMean", new String[] {"G.squared_error"}, OUTPUT)
                    .message(NODE_ATTRIBUTE, new Protobuf().string(ATTR_NAME, "axes").varint(ATTR_TYPE, ATTR_INTS_TYPE)
                            .varint(ATTR_INTS, 1))
                    .message(NODE_ATTRIBUTE, intAttribute("keepdims", 0)));
        }
        graph.message(GRAPH_OUTPUT, valueInfo(OUTPUT, -1));

        Protobuf onnx = new Protobuf()
                .varint(MODEL_IR_VERSION, IR_VERSION)
                .string(MODEL_PRODUCER_NAME, "gcl")
                .string(MODEL_PRODUCER_VERSION, Provenance.currentLibraryVersion())
                .string(MODEL_DOMAIN, "dev.gcl")
                .varint(MODEL_VERSION, EXPORT_VERSION)
                .string(MODEL_DOC, "GCL anomaly score of " + model.variant().cliName() + " model " + model.modelId()
                        + " by " + sourceName(by) + ": input features [batch, " + model.dim()
                        + "] float32, output score [batch] float32, higher = more anomalous")
                .message(MODEL_GRAPH, graph)
                .message(MODEL_OPSET, new Protobuf().varint(OPSET_VERSION, OPSET));
        metadata(model, meta, by).forEach((k, v) ->
                onnx.message(MODEL_METADATA, new Protobuf().string(ENTRY_KEY, k).string(ENTRY_VALUE, v)));
        return onnx.toByteArray();
    }

    /**
     * The file's metadata_props, in this order: {@code model_id}, {@code variant}, {@code score_source}
     * ({@code discriminator} or {@code reconstruction}), {@code dim}, {@code seed}, {@code input}, {@code output},
     * the provenance ({@code backend}, {@code precision}, {@code threads}, {@code library_version},
     * {@code git_commit}, {@code data_fingerprint}; each only where known), {@code format_version} (of the model
     * files) and {@code model_json}, the whole model.json.
     */
    public static Map<String, String> metadata(GclModel model, ModelFiles.Metadata meta, ScoreSource by) {
        Map<String, String> m = new LinkedHashMap<>();
        Provenance p = model.provenance();
        m.put("model_id", model.modelId());
        m.put("variant", model.variant().cliName());
        m.put("score_source", sourceName(by == ScoreSource.AUTO ? model.scoreSource() : by));
        m.put("dim", Integer.toString(model.dim()));
        m.put("seed", Long.toString(model.seed()));
        m.put("input", INPUT);
        m.put("output", OUTPUT);
        putKnown(m, "backend", p.backend());
        putKnown(m, "precision", p.precision());
        putKnown(m, "threads", p.threads() == null ? null : p.threads().toString());
        putKnown(m, "library_version", meta.libraryVersion() != null ? meta.libraryVersion() : p.libraryVersion());
        putKnown(m, "git_commit", p.gitCommit());
        putKnown(m, "data_fingerprint", meta.dataFingerprint() != null ? meta.dataFingerprint() : p.dataFingerprint());
        m.put("format_version", Integer.toString(ModelFiles.FORMAT_VERSION));
        m.put("model_json", ModelFiles.describe(model, meta));
        return m;
    }

    private static void putKnown(Map<String, String> m, String key, String value) {
        if (value != null) m.put(key, value);
    }

    private static String sourceName(ScoreSource s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The network's layers as Gemm (+ Relu after hidden layers, + Sigmoid after a sigmoid output), reading the
     * graph input; returns the name of the last value ([batch, out]).
     */
    private static String dense(Protobuf graph, String prefix, NetworkWeights net) {
        String in = INPUT;
        for (int l = 0; l < net.layers(); l++) {
            String w = ModelFiles.weightName(prefix, l), b = ModelFiles.biasName(prefix, l);
            graph.message(GRAPH_INITIALIZER, floatTensor(w, net.weight(l), net.dim(l + 1), net.dim(l)));
            graph.message(GRAPH_INITIALIZER, floatTensor(b, net.bias(l), net.dim(l + 1)));
            String layer = prefix + "." + (2 * l);
            String z = layer + ".out";
            graph.message(GRAPH_NODE, node(layer, "Gemm", new String[] {in, w, b}, z)
                    .message(NODE_ATTRIBUTE, intAttribute("transB", 1)));
            in = z;
            Activation a = net.activation(l);
            String op = switch (a) {
                case RELU -> "Relu";
                case SIGMOID -> "Sigmoid";
                case IDENTITY -> null;
            };
            if (op != null) {
                String y = layer + "." + op.toLowerCase(Locale.ROOT);
                graph.message(GRAPH_NODE, node(y, op, new String[] {in}, y));
                in = y;
            }
        }
        return in;
    }

    private static Protobuf node(String name, String op, String[] inputs, String output) {
        Protobuf n = new Protobuf();
        for (String i : inputs) n.string(NODE_INPUT, i);
        return n.string(NODE_OUTPUT, output).string(NODE_NAME, name).string(NODE_OP, op);
    }

    private static Protobuf intAttribute(String name, long value) {
        return new Protobuf().string(ATTR_NAME, name).varint(ATTR_TYPE, ATTR_INT).varint(ATTR_I, value);
    }

    private static Protobuf floatTensor(String name, float[] data, long... dims) {
        Protobuf t = new Protobuf();
        for (long d : dims) t.varint(TENSOR_DIMS, d);
        return t.varint(TENSOR_TYPE, FLOAT).string(TENSOR_NAME, name).floatsLittleEndian(TENSOR_RAW, data);
    }

    /** A float32 tensor [batch, width] (width < 0: [batch]), the batch dimension named "batch". */
    private static Protobuf valueInfo(String name, int width) {
        Protobuf shape = new Protobuf().message(SHAPE_DIM, new Protobuf().string(DIM_PARAM, "batch"));
        if (width >= 0) shape.message(SHAPE_DIM, new Protobuf().varint(DIM_VALUE, width));
        return new Protobuf().string(VALUE_NAME, name).message(VALUE_TYPE, new Protobuf().message(TYPE_TENSOR,
                new Protobuf().varint(TENSOR_ELEM_TYPE, FLOAT).message(TENSOR_SHAPE, shape)));
    }
}
