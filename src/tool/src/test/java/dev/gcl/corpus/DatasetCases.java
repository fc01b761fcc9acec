package dev.gcl.corpus;

import java.nio.file.Files;
import java.util.stream.Stream;

import static dev.gcl.corpus.BadInputCase.expect;
import static dev.gcl.corpus.CorpusData.D;
import static dev.gcl.corpus.CorpusData.T;
import static dev.gcl.corpus.CorpusData.XD;
import static dev.gcl.corpus.CorpusData.values;

/**
 * Feature sets and lists (FeatureSetLoader, DatasetLoader's matching, C3D text) and dataset descriptions
 * (DatasetSpec parsing and validation), all via train.
 */
final class DatasetCases {
    private DatasetCases() {}

    static Stream<BadInputCase> featureSets() {
        String r = "feature set";
        return Stream.of(
                new BadInputCase(r, "D differs between training videos", d -> {
                    d.features("b", new long[] {T, D + 1}, values(T * (D + 1), 3));
                    return expect(d.train(), "b.npy", "has D = 5, but a.npy has D = 4");
                }),
                new BadInputCase(r, "test video's D differs from training", d -> {
                    d.features("t0", new long[] {T, D + 1}, values(T * (D + 1), 3));
                    return expect(d.train(), "t0.npy", "has D = 5, the training videos have D = 4");
                }),
                new BadInputCase(r, "NaN in training features", d -> {
                    float[] v = values(T * D, 2);
                    v[6] = Float.NaN;
                    d.features("c", new long[] {T, D}, v);
                    return expect(d.train(), "c.npy", "NaN or infinite values, the first at row 1, column 2");
                }),
                new BadInputCase(r, "infinity in test features", d -> {
                    float[] v = values(T * D, 2);
                    v[0] = Float.NEGATIVE_INFINITY;
                    d.features("t1", new long[] {T, D}, v);
                    return expect(d.train(), "t1.npy", "NaN or infinite values, the first at row 0, column 0");
                }),
                new BadInputCase(r, "every row NaN under drop-rows", d -> {
                    float[] v = values(T * D, 2);
                    for (int t = 0; t < T; t++) v[t * D] = Float.NaN;
                    d.features("a", new long[] {T, D}, v);
                    d.describe(XD, "non_finite: drop-rows");
                    return expect(d.train(), "a.npy", "every row holds NaN or infinity");
                }),
                new BadInputCase(r, "video listed twice", d -> {
                    d.text("train.txt", "a\nb\nC:\\data\\b_i3d.npy\n");
                    return expect(d.train(), "train.txt", "video b is listed twice");
                }),
                new BadInputCase(r, "list entry without a feature file", d -> {
                    d.text("test.txt", "t0\nghost\nt1\n");
                    return expect(d.train(), "test.txt", "1 of 3 listed videos have no feature file");
                }),
                new BadInputCase(r, "list of comments only", d -> {
                    d.text("train.txt", "# nothing yet\n\n");
                    return expect(d.train(), "train.txt", "lists no videos");
                }),
                new BadInputCase(r, "two feature files for one video", d -> {
                    Files.copy(d.featureFile("a"), d.path("features/a_i3d.npy"));
                    return expect(d.train(), "a_i3d.npy", "two feature files for video a");
                }),
                new BadInputCase(r, "training label not 0/1", d -> {
                    d.text("labels.txt", "a 0\nb 2\nc 1\n");
                    d.replaceInDescription("train: {list: train.txt}", "train: {list: train.txt, labels: labels.txt}");
                    return expect(d.train(), "labels.txt", "line 2: expected 'name label'");
                }),
                new BadInputCase(r, "training video without a label", d -> {
                    d.text("labels.txt", "a 0\nc 1\n");
                    d.replaceInDescription("train: {list: train.txt}", "train: {list: train.txt, labels: labels.txt}");
                    return expect(d.train(), "labels.txt", "no label for 1 training videos: b");
                }),
                new BadInputCase(r, "C3D text value not a number", d -> {
                    c3dText(d);
                    d.text("features/b.txt", "0.1 0.2 0.3 0.4\n0.1 zero 0.3 0.4\n");
                    return expect(d.train(), "b.txt", "line 2: 'zero' is not a number");
                }),
                new BadInputCase(r, "C3D text rows of different lengths", d -> {
                    c3dText(d);
                    d.text("features/b.txt", "0.1 0.2 0.3 0.4\n0.1 0.3 0.4\n");
                    return expect(d.train(), "b.txt", "line 2 has 3 values, line 1 has 4");
                }));
    }

    /** Every video as C3D text, [T, D] like the .npy files. */
    private static void c3dText(CorpusData d) throws java.io.IOException {
        for (String v : new String[] {"a", "b", "c", "t0", "t1"}) {
            StringBuilder s = new StringBuilder();
            float[] x = values(T * D, v.hashCode());
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < D; j++) s.append(j > 0 ? " " : "").append(x[t * D + j]);
                s.append('\n');
            }
            d.text("features/" + v + ".txt", s.toString());
        }
        d.replaceInDescription("format: npy", "format: c3d-text");
    }

    static Stream<BadInputCase> descriptions() {
        String r = "description";
        return Stream.of(
                new BadInputCase(r, "unknown key", d -> {
                    d.describe(XD, "speed: 3");
                    return expect(d.train(), "dataset.yaml", "unknown key 'speed'");
                }),
                new BadInputCase(r, "unknown nested key", d -> {
                    d.replaceInDescription("format: npy", "format: npy, compression: zstd");
                    return expect(d.train(), "dataset.yaml", "unknown key 'features.compression'");
                }),
                new BadInputCase(r, "number expected, text given", d -> {
                    d.replaceInDescription("segment_frames: 4", "segment_frames: sixteen");
                    return expect(d.train(), "dataset.yaml", "key 'segment_frames'");
                }),
                new BadInputCase(r, "list expected, number given", d -> {
                    d.replaceInDescription("format: npy", "format: npy, suffixes: 3");
                    return expect(d.train(), "dataset.yaml", "key 'features.suffixes'");
                }),
                new BadInputCase(r, "text expected, number given", d -> {
                    d.replaceInDescription("list: train.txt", "list: 17");
                    return expect(d.train(), "dataset.yaml", "key 'train.list'");
                }),
                new BadInputCase(r, "unknown enum value", d -> {
                    d.replaceInDescription("format: npy", "format: hdf5");
                    return expect(d.train(), "dataset.yaml", "key 'features.format'");
                }),
                new BadInputCase(r, "null among the suffixes", d -> {
                    d.replaceInDescription("format: npy", "format: npy, suffixes: [_i3d, null]");
                    return expect(d.train(), "dataset.yaml", "key 'features.suffixes': holds null");
                }),
                new BadInputCase(r, "not YAML", d -> {
                    d.text("dataset.yaml", "features: {dir: features\ntrain: [\n");
                    return expect(d.train(), "dataset.yaml", "not valid YAML");
                }),
                new BadInputCase(r, "not JSON", d -> {
                    d.text("dataset.json", "{\"features\": {\"dir\": \"features\",}");
                    return expect(d.train(d.path("dataset.json")), "dataset.json", "not valid JSON");
                }),
                new BadInputCase(r, "not UTF-8", d -> {
                    d.bytes("dataset.yaml", new byte[] {'n', 'p', 'z', ':', ' ', (byte) 0xFF, (byte) 0xFE, '\n'});
                    return expect(d.train(), "dataset.yaml", "not UTF-8 text");
                }),
                new BadInputCase(r, "list not UTF-8", d -> {
                    d.bytes("train.txt", new byte[] {'a', '\n', 'b', (byte) 0x80, '\n'});
                    return expect(d.train(), "train.txt", "not UTF-8 text");
                }),
                new BadInputCase(r, "empty", d -> {
                    d.text("dataset.yaml", "");
                    return expect(d.train(), "dataset.yaml", "empty dataset description");
                }),
                new BadInputCase(r, "a list, not a mapping", d -> {
                    d.text("dataset.yaml", "- features\n- train\n");
                    return expect(d.train(), "dataset.yaml", "expected keys (features, train, test, ...) at the top level, got array");
                }),
                new BadInputCase(r, "missing features", d -> {
                    d.replaceInDescription("features: {dir: features, format: npy}\n", "");
                    return expect(d.train(), "dataset.yaml", "missing key 'features'");
                }),
                new BadInputCase(r, "segment_frames 0", d -> {
                    d.replaceInDescription("segment_frames: 4", "segment_frames: 0");
                    return expect(d.train(), "dataset.yaml", "key 'segment_frames': must be between 1 and 100000, got 0");
                }),
                new BadInputCase(r, "segment_frames absurdly large", d -> {
                    d.replaceInDescription("segment_frames: 4", "segment_frames: 1000000000");
                    return expect(d.train(), "dataset.yaml", "key 'segment_frames': must be between 1 and 100000");
                }),
                new BadInputCase(r, "masks folder missing", d -> {
                    d.useShanghaiTech(new byte[0], "t0 16\nt1 16\n");
                    d.replaceInDescription("masks: masks", "masks: mask");
                    return expect(d.evalWithModel(), "mask", "no such folder (ground_truth.masks in dataset.yaml)");
                }),
                new BadInputCase(r, "npz beside features", d -> {
                    d.describe(XD, "npz: table.npz");
                    return expect(d.train(), "dataset.yaml", "key 'npz' excludes");
                }),
                new BadInputCase(r, "features folder missing", d -> {
                    d.replaceInDescription("dir: features", "dir: nowhere");
                    return expect(d.train(), "nowhere", "features folder does not exist");
                }),
                new BadInputCase(r, "list file missing", d -> {
                    Files.delete(d.path("test.txt"));
                    return expect(d.train(), "test.txt", "no such file (test.list in dataset.yaml)");
                }),
                new BadInputCase(r, "ground-truth file missing", d -> {
                    Files.delete(d.path("xd.txt"));
                    return expect(d.train(), "xd.txt", "no such file (ground_truth.file in dataset.yaml)");
                }),
                new BadInputCase(r, "ground-truth file is a folder", d -> {
                    d.describe("{format: xd-violence, file: features}");
                    return expect(d.train(), "features", "not a file but a folder (ground_truth.file in dataset.yaml)");
                }),
                new BadInputCase(r, "NUL character in a path", d -> {
                    d.replaceInDescription("dir: features", "dir: \"feat\\0ures\"");
                    return expect(d.train(), "dataset.yaml", "key 'features.dir': not a usable path");
                }));
    }
}
