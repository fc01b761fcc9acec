package dev.gcl.corpus;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static dev.gcl.corpus.BadInputCase.expect;
import static dev.gcl.corpus.CorpusData.D;
import static dev.gcl.corpus.CorpusData.T;
import static dev.gcl.corpus.CorpusData.f32;
import static dev.gcl.corpus.CorpusData.npy;

/**
 * Model directories (ModelFiles: model.json and weights.npz) via score --model, and the scores eval reads. The
 * trained model has D = 4, G [4, 16, 4] and D [4, 8, 1].
 */
final class ModelCases {
    private static final String READER = "model files";

    private ModelCases() {}

    static Stream<BadInputCase> cases() {
        return Stream.of(
                json("a newer format version", "\"format_version\" : 1", "\"format_version\" : 2",
                        "format version 2 was written by a newer gcl"),
                json("format version 0", "\"format_version\" : 1", "\"format_version\" : 0",
                        "format version 0 is not supported"),
                json("a model id of other weights", "\"model_id\" : \"sha256:", "\"model_id\" : \"sha256:0",
                        "does not match the weights in weights.npz"),
                json("another format", "\"format\" : \"gcl-model\"", "\"format\" : \"onnx\"",
                        "not a gcl model description"),
                json("dims disagree with the config", "\"generator_dims\" : [ 4, 16, 4 ]",
                        "\"generator_dims\" : [ 4, 12, 4 ]", "disagree with the config's g-hidden"),
                new BadInputCase(READER, "unknown variant in the config", d -> {
                    d.editModelJson(root -> {
                        ((ObjectNode) root.get("config")).put("variant", "gcl-x");
                        return root;
                    });
                    return expect(d.score(d.featureFile("t0")), "model.json", "config: ");
                }),
                new BadInputCase(READER, "unknown phase in the history", d -> {
                    d.editModelJson(root -> {
                        ((ObjectNode) root.get("history").get(0)).put("phase", "warmup");
                        return root;
                    });
                    return expect(d.score(d.featureFile("t0")), "model.json", "history");
                }),
                new BadInputCase(READER, "model.json not JSON", d -> {
                    Files.writeString(d.model().resolve("model.json"), "{\"format\": \"gcl-model\", ", StandardCharsets.UTF_8);
                    return expect(d.score(d.featureFile("t0")), "model.json", "not valid JSON");
                }),
                new BadInputCase(READER, "model.json missing", d -> {
                    Files.delete(d.model().resolve("model.json"));
                    return expect(d.score(d.featureFile("t0")), "model.json", "missing");
                }),
                new BadInputCase(READER, "weights.npz missing", d -> {
                    Files.delete(d.model().resolve("weights.npz"));
                    return expect(d.score(d.featureFile("t0")), "weights.npz", "missing");
                }),
                new BadInputCase(READER, "weights.npz not a zip", d -> {
                    Files.writeString(d.model().resolve("weights.npz"), "weights");
                    return expect(d.score(d.featureFile("t0")), "weights.npz", "not a readable .npz");
                }),
                weights("an array missing", "G.2.bias.npy", null, "array 'G.2.bias' is missing"),
                weights("an array of another shape", "D.0.weight.npy", npy("<f4", new long[] {8, 5},
                        f32(new float[40])), "shape [8, 5], expected (8, 4)"),
                weights("a NaN weight", "G.0.bias.npy", npy("<f4", new long[] {16}, f32(nanFirst(16))),
                        "element 0 is NaN"),
                weights("an array of text", "G.0.bias.npy", npy("<U1", new long[] {16}, new byte[64]), "not numeric"),
                weights("an array cut short", "G.0.bias.npy", Arrays.copyOf(npy("<f4", new long[] {16},
                        f32(new float[16])), 70), "truncated"),
                new BadInputCase(READER, "a huge declared array, never allocated", d -> {
                    // widths of 40000 make G.0.weight 1.6e9 floats (6.4 GB): refused before any allocation
                    d.editModelJson(root -> {
                        root.put("dim", 40000);
                        root.putArray("generator_dims").add(40000).add(40000).add(40000);
                        root.putArray("discriminator_dims").add(40000).add(8).add(1);
                        ((ObjectNode) root.get("config")).put("g-hidden", "40000");
                        return root;
                    });
                    d.editWeights(entries -> {
                        entries.put("G.0.weight.npy", npy("<f4", new long[] {40000, 40000}, new byte[0]));
                        return entries;
                    });
                    return expect(d.score(d.featureFile("t0")), "weights.npz", "truncated: shape [40000, 40000]");
                }),
                new BadInputCase("score input", "features of another D", d -> {
                    d.features("t0", new long[] {T, D + 2}, CorpusData.values(T * (D + 2), 4));
                    return expect(d.score(d.featureFile("t0")), "t0.npy", "features have dimension 6, the model expects 4");
                }),
                new BadInputCase("scores", "a score file of the wrong length", d -> {
                    Path scores = scores(d);
                    Files.write(scores.resolve("t1.npy"), npy("<f4", new long[] {T + 1}, f32(new float[T + 1])));
                    return expect(d.evalScores(scores), "t1.npy", "video t1 has 4 segments");
                }),
                new BadInputCase("scores", "a score file missing", d -> {
                    Path scores = scores(d);
                    Files.delete(scores.resolve("t0.npy"));
                    return expect(d.evalScores(scores), "t0.npy", "no scores for test video t0");
                }));
    }

    private static BadInputCase json(String name, String from, String to, String cause) {
        return new BadInputCase(READER, name, d -> {
            Path f = d.model().resolve("model.json");
            String text = Files.readString(f);
            if (!text.contains(from)) throw new IllegalStateException("no '" + from + "' in " + text);
            Files.writeString(f, text.replace(from, to));
            return expect(d.score(d.featureFile("t0")), "model.json", cause);
        });
    }

    private static BadInputCase weights(String name, String entry, byte[] replacement, String cause) {
        return new BadInputCase(READER, name, d -> {
            d.editWeights(entries -> {
                if (!entries.containsKey(entry)) throw new IllegalStateException("no " + entry + " in " + entries.keySet());
                entries.put(entry, replacement);
                return entries;
            });
            return expect(d.score(d.featureFile("t0")), "weights.npz", cause);
        });
    }

    /** A folder of valid scores for both test videos. */
    private static Path scores(CorpusData d) throws IOException {
        Path dir = Files.createDirectories(d.path("scores"));
        for (String v : new String[] {"t0", "t1"}) Files.write(dir.resolve(v + ".npy"), npy("<f4", new long[] {T}, f32(new float[T])));
        return dir;
    }

    private static float[] nanFirst(int n) {
        float[] v = new float[n];
        v[0] = Float.NaN;
        return v;
    }
}
