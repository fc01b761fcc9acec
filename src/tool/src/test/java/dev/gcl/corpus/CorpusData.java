package dev.gcl.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.io.NpyWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A small valid dataset in one folder, written fresh for every bad-input case, which the case then breaks in one
 * place: features/{a,b,c}.npy (training) and {t0,t1}.npy (test), each [T = 4, D = 4] float32; train.txt, test.txt;
 * S = 4 frames per segment; XD-Violence ground truth (t1 anomalous in frames 4..12). Also the command lines that
 * reach each reader, all writing to {@link #out()} inside the folder.
 */
final class CorpusData {
    static final int T = 4, D = 4, S = 4;
    static final String XD = "{format: xd-violence, file: xd.txt}";
    static final String UCF = "{format: ucf-crime, file: ucf.txt}";
    static final String SHANGHAITECH = "{format: shanghaitech, masks: masks, frame_counts: {file: counts.txt, layout: simple}}";
    /** Training settings that finish in well under a second on D = 4, should a case get that far. */
    static final String[] FAST = {"--epochs", "1", "--pretrain-epochs", "1", "--batch", "64", "--g-hidden", "16",
            "--d-hidden", "8", "--backend", "cpu", "--quiet", "--no-pictures"};
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    private final Path trainedModel;

    private CorpusData(Path root, Path trainedModel) {
        this.root = root;
        this.trainedModel = trainedModel;
    }

    /** Writes the valid dataset under {@code root}; {@code trainedModel} is copied by cases that need a model. */
    static CorpusData write(Path root, Path trainedModel) throws IOException {
        CorpusData d = new CorpusData(root, trainedModel);
        Files.createDirectories(root.resolve("features"));
        int seed = 1;
        for (String v : new String[] {"a", "b", "c", "t0", "t1"}) d.features(v, new long[] {T, D}, values(T * D, seed++));
        d.text("train.txt", "a\nb\nc\n");
        d.text("test.txt", "t0\nt1\n");
        d.text("xd.txt", "t1 4 12\n");
        d.describe(XD);
        return d;
    }

    // ---------------------------------------------------------------- files

    Path path(String relative) {
        return root.resolve(relative);
    }

    Path text(String relative, String content) throws IOException {
        Path p = path(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    Path bytes(String relative, byte[] content) throws IOException {
        Path p = path(relative);
        Files.createDirectories(p.getParent());
        return Files.write(p, content);
    }

    /** The dataset description with the given ground_truth section (and extra top-level lines). */
    Path describe(String groundTruth, String... extraLines) throws IOException {
        StringBuilder s = new StringBuilder("features: {dir: features, format: npy}\ntrain: {list: train.txt}\n"
                + "test: {list: test.txt}\nsegment_frames: " + S + "\nground_truth: " + groundTruth + "\n");
        for (String line : extraLines) s.append(line).append('\n');
        return text("dataset.yaml", s.toString());
    }

    /** The description with {@code from} replaced by {@code to} (which must be there). */
    void replaceInDescription(String from, String to) throws IOException {
        String text = Files.readString(description());
        if (!text.contains(from)) throw new IllegalStateException("no '" + from + "' in " + text);
        Files.writeString(description(), text.replace(from, to));
    }

    Path description() {
        return path("dataset.yaml");
    }

    /** features/&lt;video&gt;.npy, float32 of the given shape. */
    Path features(String video, long[] shape, float[] values) throws IOException {
        return bytes("features/" + video + ".npy", npy("<f4", shape, f32(values)));
    }

    Path featureFile(String video) {
        return path("features/" + video + ".npy");
    }

    /** Switches the ground truth to UCF-Crime (7 columns: the frame count T·S = 16). */
    void useUcfCrime(String annotation) throws IOException {
        text("ucf.txt", annotation);
        describe(UCF);
    }

    /** Switches the ground truth to ShanghaiTech: masks/t1.npy and a simple frame count table. */
    void useShanghaiTech(byte[] mask, String counts) throws IOException {
        bytes("masks/t1.npy", mask);
        text("counts.txt", counts);
        describe(SHANGHAITECH);
    }

    // ---------------------------------------------------------------- commands

    /** Where every command writes: must not exist afterwards. */
    Path out() {
        return path("out");
    }

    String[] train() {
        return train(description());
    }

    String[] train(Path data) {
        return concat(new String[] {"train", "--data", data.toString(), "--out", out().toString()}, FAST);
    }

    String[] evalWithModel() {
        return new String[] {"eval", "--model", model().toString(), "--data", description().toString(),
                "--out", out().toString()};
    }

    String[] evalScores(Path scores) {
        return new String[] {"eval", "--scores", scores.toString(), "--data", description().toString(),
                "--out", out().toString()};
    }

    String[] score(Path input) {
        return new String[] {"score", "--model", model().toString(), "--input", input.toString(),
                "--out", out().toString()};
    }

    /** A copy of the trained model inside this folder (created on first use). */
    Path model() {
        Path m = path("model");
        if (!Files.exists(m)) {
            try {
                Files.createDirectories(m);
                for (String f : new String[] {"model.json", "weights.npz"}) {
                    Files.copy(trainedModel.resolve(f), m.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return m;
    }

    /** Rewrites model.json through {@code edit}. */
    void editModelJson(UnaryOperator<ObjectNode> edit) throws IOException {
        Path f = model().resolve("model.json");
        ObjectNode root = (ObjectNode) JSON.readTree(f.toFile());
        Files.write(f, JSON.writeValueAsBytes(edit.apply(root)));
    }

    /** Rewrites weights.npz: entries (names with ".npy") replaced by {@code edit}'s map; null values drop them. */
    void editWeights(UnaryOperator<Map<String, byte[]>> edit) throws IOException {
        Path f = model().resolve("weights.npz");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(f.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                try (InputStream in = zip.getInputStream(z)) {
                    entries.put(z.getName(), in.readAllBytes());
                }
            }
        }
        Map<String, byte[]> edited = edit.apply(entries);
        edited.values().removeIf(v -> v == null);
        zip(f, edited);
    }

    // ---------------------------------------------------------------- bytes

    /** An .npy file: numpy's header for (descr, C order, shape), then {@code data} as given. */
    static byte[] npy(String descr, long[] shape, byte[] data) {
        return concat(NpyWriter.header(descr, false, shape), data);
    }

    /** An .npy file whose header dict is exactly {@code dict} (format 1.0, padded as numpy pads). */
    static byte[] npyWithDict(String dict, byte[] data) {
        String padded = dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n";
        byte[] text = padded.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        return concat(b.array(), data);
    }

    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) b.putDouble(v);
        return b.array();
    }

    static byte[] i64(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return b.array();
    }

    /** Deterministic positive values, different per seed. */
    static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.05f + ((i * 7 + seed * 13) % 17) / 20f;
        return v;
    }

    /** A zip with the given (entry name, bytes) pairs, deflated as numpy.savez_compressed writes them. */
    static Path zip(Path file, Map<String, byte[]> entries) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
