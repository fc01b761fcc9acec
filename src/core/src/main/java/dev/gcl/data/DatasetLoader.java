package dev.gcl.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gcl.eval.FrameConvention;
import dev.gcl.eval.FrameCountTable;
import dev.gcl.eval.SegmentMapping;
import dev.gcl.eval.ShanghaiTechMasks;
import dev.gcl.eval.UcfCrimeAnnotations;
import dev.gcl.eval.VideoAnnotation;
import dev.gcl.eval.VideoGroundTruth;
import dev.gcl.eval.XdViolenceAnnotations;
import dev.gcl.io.CropMode;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.FeatureFiles;
import dev.gcl.io.FeatureFormat;
import dev.gcl.io.FeatureMatrix;
import dev.gcl.io.FeatureSet;
import dev.gcl.io.FeatureSetLoader;
import dev.gcl.io.LoadProgress;
import dev.gcl.io.NonFinitePolicy;
import dev.gcl.io.NonFiniteRows;
import dev.gcl.io.NpzTable;
import dev.gcl.io.TextFiles;
import dev.gcl.io.VideoNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Builds a {@link Dataset} from a description file ({@link DatasetSpec}, .yaml/.yml or .json) or from an .npz
 * table alone (train on X, evaluate on y; each row is a one-frame segment).
 *
 * <p>List entries and feature files are matched by video name ({@link VideoNames}); every listed video must have
 * exactly one feature file, else the error lists the names that did not match.
 */
public final class DatasetLoader {
    private static final ObjectMapper YAML = configure(YAMLMapper.builder()).build();
    private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();

    /** Frames per segment at most: more is a typo, and T·S frames of ground truth are held in memory per video. */
    public static final int MAX_SEGMENT_FRAMES = 100_000;

    private DatasetLoader() {}

    private static <M extends ObjectMapper, B extends com.fasterxml.jackson.databind.cfg.MapperBuilder<M, B>> B configure(B b) {
        return b.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // a number or boolean where text belongs is a mistake, not a name
                .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    /** Loads {@code file}: an .npz table or a dataset description. */
    public static Dataset load(Path file) {
        return load(file, LoadProgress.NONE);
    }

    /** {@link #load(Path)}, telling progress how loading the training features goes. */
    public static Dataset load(Path file, LoadProgress progress) {
        if (file.getFileName().toString().toLowerCase().endsWith(".npz")) return fromNpz(file);
        return fromSpec(parse(file), file, progress);
    }

    /** Parses a description, mapping every problem to a one-line error naming the file and the key. */
    public static DatasetSpec parse(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        ObjectMapper mapper = name.endsWith(".json") ? JSON : YAML;
        JsonNode tree;
        try {
            // the tree first: a syntax error then reads as one, not as a problem with the key being parsed
            tree = mapper.readTree(TextFiles.string(file));
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file, "not valid " + (mapper == JSON ? "JSON" : "YAML") + ": "
                    + firstLine(e.getOriginalMessage())
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new DataFormatException(file, "empty dataset description");
        }
        if (!tree.isObject()) {
            throw new DataFormatException(file, "expected keys (features, train, test, ...) at the top level, got "
                    + tree.getNodeType().name().toLowerCase());
        }
        try {
            return mapper.treeToValue(tree, DatasetSpec.class);
        } catch (UnrecognizedPropertyException e) {
            throw new DataFormatException(file, "unknown key '" + path(e) + "' (known here: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "))
                    + ")");
        } catch (JsonMappingException e) {
            throw new DataFormatException(file, "key '" + path(e) + "': " + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file, firstLine(e.getOriginalMessage()));
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder s = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) s.append(s.length() > 0 ? "." : "").append(r.getFieldName());
            else if (r.getIndex() >= 0) s.append('[').append(r.getIndex()).append(']');
        }
        return s.toString();
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.lines().findFirst().orElse("");
        // Jackson names the Java type; say what the file should hold instead
        return line.replaceAll("`[a-zA-Z.$]+\\$(\\w+)`", "$1").replaceAll("`java\\.lang\\.(\\w+)`", "$1")
                .replaceAll(" \\(but (might|could) if coercion .*\\)$", "").replaceAll(" \\(token `JsonToken\\.\\w+`\\)", "");
    }

    /** The dataset an .npz table describes. */
    public static Dataset fromNpz(Path file) {
        NpzTable t = NpzTable.read(file);
        String stem = file.getFileName().toString().replaceAll("(?i)\\.npz$", "");
        TrainingData train;
        List<TestVideo> test = new ArrayList<>();
        if (t.offsets() == null) {
            train = TrainingData.flat(t.x(), t.rows(), t.dim()).withVideoLabels(t.y());
            test.add(new TestVideo(stem, new FeatureMatrix(t.x(), t.rows(), t.dim()), truth(stem, t.y(), 0, t.rows())));
        } else {
            int videos = t.offsets().length - 1;
            int[] videoLabels = new int[videos];
            for (int v = 0; v < videos; v++) {
                int a = t.offsets()[v], b = t.offsets()[v + 1];
                String name = t.names() != null ? t.names()[v] : stem + "#" + v;
                for (int r = a; r < b; r++) videoLabels[v] = Math.max(videoLabels[v], t.y()[r]);
                FeatureMatrix m = new FeatureMatrix(Arrays.copyOfRange(t.x(), a * t.dim(), b * t.dim()), b - a, t.dim());
                test.add(new TestVideo(name, m, truth(name, t.y(), a, b)));
            }
            train = TrainingData.videos(t.x(), t.dim(), t.offsets()).withVideoLabels(videoLabels);
        }
        return new Dataset(stem, train, test, 1, SegmentMapping.FIXED_LENGTH,
                List.of("npz: training on all " + t.rows() + " rows of X, evaluating on y (one frame per row)"));
    }

    private static VideoGroundTruth truth(String name, int[] y, int from, int to) {
        byte[] labels = new byte[to - from];
        for (int i = from; i < to; i++) labels[i - from] = (byte) y[i];
        return new VideoGroundTruth(name, labels);
    }

    /** The dataset {@code spec} describes; relative paths resolve against {@code specFile}'s folder. */
    public static Dataset fromSpec(DatasetSpec spec, Path specFile) {
        return fromSpec(spec, specFile, LoadProgress.NONE);
    }

    /** {@link #fromSpec(DatasetSpec, Path)}, telling progress how loading the training features goes. */
    public static Dataset fromSpec(DatasetSpec spec, Path specFile, LoadProgress progress) {
        Path base = specFile.toAbsolutePath().getParent();
        if (spec.npz() != null) {
            if (spec.features() != null || spec.train() != null || spec.test() != null || spec.groundTruth() != null) {
                throw new DataFormatException(specFile, "key 'npz' excludes features, train, test and ground_truth");
            }
            return fromNpz(resolve(base, spec.npz(), "npz", specFile));
        }
        DatasetSpec.Features fs = require(spec.features(), "features", specFile);
        Path dir = resolve(base, require(fs.dir(), "features.dir", specFile), "features.dir", specFile);
        FeatureFormat format = fs.format() == DatasetSpec.Format.C3D_TEXT ? FeatureFormat.C3D_TEXT : FeatureFormat.NPY;
        CropMode crops = fs.crops() == DatasetSpec.Crops.SEPARATE_ROWS ? CropMode.SEPARATE_ROWS : CropMode.AVERAGE;
        List<String> suffixes = fs.suffixes() != null ? fs.suffixes() : VideoNames.DEFAULT_SUFFIXES;
        if (suffixes.stream().anyMatch(s -> s == null)) {
            throw new DataFormatException(specFile, "key 'features.suffixes': holds null, not a suffix");
        }
        int segmentFrames = spec.segmentFrames() != null ? spec.segmentFrames() : 16;
        if (segmentFrames < 1 || segmentFrames > MAX_SEGMENT_FRAMES) {
            throw new DataFormatException(specFile, "key 'segment_frames': must be between 1 and " + MAX_SEGMENT_FRAMES
                    + ", got " + segmentFrames);
        }
        SegmentMapping mapping = spec.segmentMapping() == DatasetSpec.Mapping.UCF_CRIME_32
                ? SegmentMapping.UCF_CRIME_32 : SegmentMapping.FIXED_LENGTH;
        NonFinitePolicy policy = spec.nonFinite() == DatasetSpec.NonFinite.DROP_ROWS
                ? NonFinitePolicy.DROP_ROWS : NonFinitePolicy.FAIL;
        Map<String, Path> files = indexFeatures(dir, format, suffixes);
        List<String> notes = new ArrayList<>();

        DatasetSpec.Split trainSplit = require(spec.train(), "train", specFile);
        Path trainList = existingFile(base, require(trainSplit.list(), "train.list", specFile), "train.list", specFile);
        List<FeatureSetLoader.VideoFile> trainFiles = match(readList(trainList, suffixes), files, trainList, dir);
        Path cache = fs.cache() == null ? null : resolve(base, fs.cache(), "features.cache", specFile);
        FeatureSet set = FeatureSetLoader.load(trainFiles, format, crops, policy,
                new FeatureSetLoader.Options(cache, progress));
        if (set.droppedRows() > 0) notes.add("dropped " + set.droppedRows() + " training rows holding NaN or infinity");
        notes.add("training features: " + set.rows() + " rows x D " + set.dim() + ", " + set.storage());
        TrainingData train = TrainingData.videos(set.features(), set.offsets());
        if (trainSplit.labels() != null) {
            train = train.withVideoLabels(readLabels(existingFile(base, trainSplit.labels(), "train.labels", specFile),
                    set.names(), suffixes));
        }

        DatasetSpec.Split testSplit = require(spec.test(), "test", specFile);
        Path testList = existingFile(base, require(testSplit.list(), "test.list", specFile), "test.list", specFile);
        List<FeatureSetLoader.VideoFile> testFiles = match(readList(testList, suffixes), files, testList, dir);
        GroundTruthSource gt = new GroundTruthSource(require(spec.groundTruth(), "ground_truth", specFile), base,
                specFile, segmentFrames);
        List<TestVideo> test = new ArrayList<>();
        progress.start("loading test features", testFiles.size());
        try {
            loadTest(testFiles, format, set.dim(), gt, segmentFrames, mapping, test, progress);
        } finally {
            progress.finish();
        }
        notes.addAll(gt.notes());
        String name = specFile.getFileName().toString().replaceAll("\\.(ya?ml|json)$", "");
        return new Dataset(name, train, test, segmentFrames, mapping, notes);
    }

    private static void loadTest(List<FeatureSetLoader.VideoFile> testFiles, FeatureFormat format, int dim,
                                 GroundTruthSource gt, int segmentFrames, SegmentMapping mapping, List<TestVideo> test,
                                 LoadProgress progress) {
        for (FeatureSetLoader.VideoFile f : testFiles) {
            FeatureMatrix m = FeatureFiles.read(f.file(), format, CropMode.AVERAGE);
            if (m.dim() != dim) {
                throw new DataFormatException(f.file(), "has D = " + m.dim() + ", the training videos have D = "
                        + dim);
            }
            NonFiniteRows.check(f.file(), m.data(), 0, m.rows(), m.dim(), NonFinitePolicy.FAIL);
            VideoGroundTruth truth = gt.truth(f.name(), m.rows());
            checkCoverage(f.file(), f.name(), m.rows(), truth.frames(), segmentFrames, mapping);
            test.add(new TestVideo(f.name(), m, truth));
            progress.fileDone();
        }
    }

    /** A frame count must reach into the last segment; see {@link dev.gcl.eval.FrameExpansion}. */
    private static void checkCoverage(Path file, String video, int segments, int frames, int segmentFrames,
                                      SegmentMapping mapping) {
        if (mapping == SegmentMapping.FIXED_LENGTH && frames <= (long) (segments - 1) * segmentFrames) {
            throw new DataFormatException(file, "video " + video + " has " + frames + " frames, fewer than its "
                    + segments + " segments of " + segmentFrames + " frames cover (" + (long) segments * segmentFrames
                    + ")");
        }
        if (mapping == SegmentMapping.UCF_CRIME_32 && frames < 16) {
            throw new DataFormatException(file, "video " + video + " has " + frames + " frames, fewer than one clip");
        }
    }

    /** A path the description gives, against its folder; one the file system refuses (a NUL) is the key's error. */
    private static Path resolve(Path base, String value, String key, Path specFile) {
        try {
            return base.resolve(value);
        } catch (InvalidPathException e) {
            throw new DataFormatException(specFile, "key '" + key + "': not a usable path: " + e.getReason());
        }
    }

    /** {@link #resolve}, and a regular file: a missing file or a folder is named here, before any reader opens it. */
    private static Path existingFile(Path base, String value, String key, Path specFile) {
        Path p = resolve(base, value, key, specFile);
        if (!Files.isRegularFile(p)) {
            throw new DataFormatException(p, (Files.isDirectory(p) ? "not a file but a folder" : "no such file")
                    + " (" + key + " in " + specFile.getFileName() + ")");
        }
        return p;
    }

    private static <T> T require(T value, String key, Path specFile) {
        if (value == null) throw new DataFormatException(specFile, "missing key '" + key + "'");
        return value;
    }

    private static Map<String, Path> indexFeatures(Path dir, FeatureFormat format, List<String> suffixes) {
        if (!Files.isDirectory(dir)) throw new DataFormatException(dir, "features folder does not exist");
        Map<String, Path> files = new HashMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase().endsWith(format.extension()))::iterator) {
                Path before = files.put(VideoNames.canonical(p.getFileName().toString(), suffixes), p);
                if (before != null) {
                    throw new DataFormatException(dir, "two feature files for video "
                            + VideoNames.canonical(p.getFileName().toString(), suffixes) + ": "
                            + before.getFileName() + " and " + p.getFileName());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return files;
    }

    static List<String> readList(Path list, List<String> suffixes) {
        return TextFiles.lines(list).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> VideoNames.canonical(l, suffixes)).toList();
    }

    private static List<FeatureSetLoader.VideoFile> match(List<String> names, Map<String, Path> files, Path list,
                                                          Path dir) {
        List<FeatureSetLoader.VideoFile> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            if (!seen.add(n)) throw new DataFormatException(list, "video " + n + " is listed twice");
            Path f = files.get(n);
            if (f == null) missing.add(n);
            else out.add(new FeatureSetLoader.VideoFile(n, f));
        }
        if (!missing.isEmpty()) {
            throw new DataFormatException(list, missing.size() + " of " + names.size() + " listed videos have no"
                    + " feature file in " + dir + ": " + String.join(", ", missing.subList(0, Math.min(10, missing.size())))
                    + (missing.size() > 10 ? ", ..." : ""));
        }
        if (out.isEmpty()) throw new DataFormatException(list, "lists no videos");
        return out;
    }

    private static int[] readLabels(Path file, List<String> videos, List<String> suffixes) {
        Map<String, Integer> byName = new LinkedHashMap<>();
        List<String> lines = TextFiles.lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] p = line.split("[,\\s]+");
            if (p.length != 2 || !(p[1].equals("0") || p[1].equals("1") || p[1].equals("-1"))) {
                throw new DataFormatException(file, "line " + (i + 1) + ": expected 'name label' with label 0, 1"
                        + " or -1");
            }
            byName.put(VideoNames.canonical(p[0], suffixes), Integer.parseInt(p[1]));
        }
        int[] labels = new int[videos.size()];
        List<String> missing = new ArrayList<>();
        for (int v = 0; v < labels.length; v++) {
            Integer l = byName.get(videos.get(v));
            if (l == null) missing.add(videos.get(v));
            else labels[v] = l;
        }
        if (!missing.isEmpty()) {
            throw new DataFormatException(file, "no label for " + missing.size() + " training videos: "
                    + String.join(", ", missing.subList(0, Math.min(10, missing.size()))));
        }
        return labels;
    }

    /** Frame-level ground truth per test video, from the description's ground_truth section. */
    private static final class GroundTruthSource {
        private final DatasetSpec.GroundTruth spec;
        private final Path specFile;
        private final int segmentFrames;
        private final Map<String, VideoAnnotation> annotations = new HashMap<>();
        private final FrameCountTable counts;
        private final FrameConvention convention;
        private final int endSlack;
        private final Path source;
        private final Path masks;

        GroundTruthSource(DatasetSpec.GroundTruth spec, Path base, Path specFile, int segmentFrames) {
            this.spec = spec;
            this.specFile = specFile;
            this.segmentFrames = segmentFrames;
            DatasetSpec.GtFormat format = require(spec.format(), "ground_truth.format", specFile);
            boolean ucf = format == DatasetSpec.GtFormat.UCF_CRIME;
            boolean oneBased = spec.numbering() != null ? spec.numbering() == DatasetSpec.Numbering.ONE_BASED : ucf;
            boolean inclusive = spec.endInclusive() != null ? spec.endInclusive() : ucf;
            this.convention = new FrameConvention(oneBased, inclusive);
            this.endSlack = spec.endSlack() != null ? spec.endSlack() : ucf ? UcfCrimeAnnotations.END_SLACK : 0;
            FrameCountTable table = null;
            if (spec.frameCounts() != null) {
                Path f = existingFile(base, require(spec.frameCounts().file(), "ground_truth.frame_counts.file",
                        specFile), "ground_truth.frame_counts.file", specFile);
                DatasetSpec.Layout layout = require(spec.frameCounts().layout(), "ground_truth.frame_counts.layout", specFile);
                table = switch (layout) {
                    case UCF_CRIME -> FrameCountTable.ucfCrime(f);
                    case SHANGHAITECH -> FrameCountTable.shanghaiTech(f);
                    case SIMPLE -> FrameCountTable.simple(f);
                };
            }
            if (format == DatasetSpec.GtFormat.SHANGHAITECH) {
                this.source = null;
                this.masks = resolve(base, require(spec.masks(), "ground_truth.masks", specFile), "ground_truth.masks",
                        specFile);
                // a mistyped folder would otherwise make every test video normal
                if (!Files.isDirectory(masks)) {
                    throw new DataFormatException(masks, "no such folder (ground_truth.masks in "
                            + specFile.getFileName() + ")");
                }
                if (table == null) throw new DataFormatException(specFile, "missing key 'ground_truth.frame_counts'"
                        + " (shanghaitech needs the frame counts of videos without a mask)");
            } else {
                this.masks = null;
                this.source = existingFile(base, require(spec.file(), "ground_truth.file", specFile),
                        "ground_truth.file", specFile);
                List<VideoAnnotation> rows = ucf ? UcfCrimeAnnotations.read(source) : XdViolenceAnnotations.read(source);
                for (VideoAnnotation a : rows) annotations.put(a.name(), a);
            }
            this.counts = table;
        }

        VideoGroundTruth truth(String video, int segments) {
            if (masks != null) return ShanghaiTechMasks.read(masks, video, counts);
            VideoAnnotation a = annotations.get(video);
            boolean ucf = spec.format() == DatasetSpec.GtFormat.UCF_CRIME;
            if (a == null && ucf) throw new DataFormatException(source, "no annotation for test video " + video);
            int frames;
            if (a != null && a.frameCount() > 0) frames = a.frameCount();
            else if (counts != null) frames = counts.require(video);
            else if (!ucf) frames = coveredFrames(video, segments);
            else throw new DataFormatException(specFile, "no frame count for " + video
                        + ": add a 7th column to the annotation or ground_truth.frame_counts");
            if (a == null) return VideoGroundTruth.normal(video, frames);
            return VideoGroundTruth.fromIntervals(a, frames, convention, endSlack, source.toString());
        }

        private int coveredFrames(String video, int segments) {
            long frames = (long) segments * segmentFrames;
            if (frames > Integer.MAX_VALUE) {
                throw new DataFormatException(specFile, "video " + video + ": " + segments + " segments of "
                        + segmentFrames + " frames exceed 2^31-1 frames");
            }
            return (int) frames;
        }

        List<String> notes() {
            return List.of("ground truth: " + spec.format().name().toLowerCase().replace('_', '-')
                    + (masks != null ? " masks" : ", frames " + convention));
        }
    }
}
