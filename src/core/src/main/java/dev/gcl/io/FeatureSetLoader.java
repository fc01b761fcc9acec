package dev.gcl.io;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Loads the training features of many videos as one (rows, D) matrix without the Java heap growing with the data.
 * A first pass reads every file's shape (.npy headers only), then:
 * <ul>
 * <li>float32 little-endian C-order .npy files whose rows are the training rows ({@code [T, D]}, or
 *     {@code [T, crops, D]} under {@link CropMode#SEPARATE_ROWS}) are memory-mapped where they lie
 *     ({@link MappedFeatureRows}): no copy, one copy in the page cache for every process on the machine; a pass
 *     over the mapped rows checks for NaN/Inf (and reads the files into the page cache, in file order);</li>
 * <li>anything else (crops averaged, other dtypes, text, rows dropped for NaN) is converted: onto the heap when it
 *     is small (at most half of what the heap can still take, and no cache is named), else once into a float32
 *     {@link FeatureCache} that is then mapped: the one the dataset description names, or one in
 *     {@link FeatureCache#defaultFolder()}.</li>
 * </ul>
 */
public final class FeatureSetLoader {
    /** One video: its name (as the lists call it) and its feature file. */
    public record VideoFile(String name, Path file) {}

    /** Where a conversion goes (null: the heap when small, else the default cache folder) and who is told. */
    public record Options(Path cache, LoadProgress progress) {
        public static final Options DEFAULT = new Options(null, LoadProgress.NONE);
    }

    /**
     * Files mapped one by one at most: each is a memory mapping of its own, and Linux allows 65,530 per process by
     * default (vm.max_map_count); more files than this are converted into one cache.
     */
    static final int MAX_MAPPED_FILES = 16_384;

    private FeatureSetLoader() {}

    public static FeatureSet load(List<VideoFile> videos, FeatureFormat format, CropMode mode,
                                  NonFinitePolicy policy) {
        return load(videos, format, mode, policy, Options.DEFAULT);
    }

    public static FeatureSet load(List<VideoFile> videos, FeatureFormat format, CropMode mode,
                                  NonFinitePolicy policy, Options options) {
        if (videos.isEmpty()) throw new InvalidInputException("no videos to load");
        FeatureShape[] shapes = new FeatureShape[videos.size()];
        NpyHeader[] headers = new NpyHeader[videos.size()];
        long totalRows = 0;
        int dim = -1;
        boolean mappable = format == FeatureFormat.NPY && videos.size() <= MAX_MAPPED_FILES;
        for (int v = 0; v < videos.size(); v++) {
            VideoFile video = videos.get(v);
            shapes[v] = FeatureFiles.shape(video.file(), format);
            if (dim < 0) dim = shapes[v].dim();
            else if (shapes[v].dim() != dim) {
                throw new DataFormatException(video.file(), "has D = " + shapes[v].dim() + ", but "
                        + videos.get(0).file().getFileName() + " has D = " + dim + " (all videos must agree)");
            }
            totalRows += shapes[v].rows(mode);
            if (mappable) {
                headers[v] = NpyReader.header(video.file());
                mappable = rowsAsStored(headers[v], shapes[v], mode);
            }
        }
        if (totalRows > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(videos.get(0).file().getParent(), videos.size() + " videos hold "
                    + totalRows + " rows, more than 2^31-1");
        }
        if (mappable) {
            FeatureSet mapped = mapInPlace(videos, headers, shapes, dim, mode, policy, options.progress());
            if (mapped != null) return mapped;
        }
        long bytes = totalRows * dim * Float.BYTES;
        boolean small = totalRows * dim <= Integer.MAX_VALUE - 8 && bytes <= MemoryBudget.available() / 2;
        if (options.cache() == null && small) return onHeap(videos, shapes, dim, format, mode, policy, options);
        Path cache = options.cache();
        String key = FeatureCache.key(videos, format, mode, policy);
        if (cache == null) cache = FeatureCache.defaultFolder().resolve("features-" + key.substring(0, 16) + ".npy");
        List<String> names = videos.stream().map(VideoFile::name).toList();
        FeatureSet reused = FeatureCache.open(cache, key, names);
        if (reused != null) return reused;
        options.progress().note(String.format(Locale.ROOT, "converting %d videos (%.2f GiB as float32) once into the"
                + " cache %s; later runs map it", videos.size(), bytes / (double) (1L << 30), cache));
        return FeatureCache.write(cache, key, videos, shapes, dim, format, mode, policy, options.progress());
    }

    /** Whether the file's data are the training rows as stored: float32, little-endian, C order, nothing to average. */
    private static boolean rowsAsStored(NpyHeader h, FeatureShape shape, CropMode mode) {
        return h.dtype().kind() == 'f' && h.dtype().itemSize() == 4 && h.dtype().order() == ByteOrder.LITTLE_ENDIAN
                && !h.fortranOrder() && (shape.crops() == 1 || mode == CropMode.SEPARATE_ROWS);
    }

    /** Maps every file where it lies and checks the rows; null when rows must be dropped (then converted). */
    private static FeatureSet mapInPlace(List<VideoFile> videos, NpyHeader[] headers, FeatureShape[] shapes, int dim,
                                         CropMode mode, NonFinitePolicy policy, LoadProgress progress) {
        MappedFeatureRows.Builder b = new MappedFeatureRows.Builder(dim);
        int[] offsets = new int[videos.size() + 1];
        for (int v = 0; v < videos.size(); v++) {
            b.add(videos.get(v).file(), headers[v].dataOffset(), shapes[v].rows(mode));
            offsets[v + 1] = offsets[v] + shapes[v].rows(mode);
        }
        MappedFeatureRows x = b.build();
        progress.start("checking training features", videos.size());
        try {
            for (int v = 0; v < videos.size(); v++) {
                boolean bad = NonFiniteRows.scan(videos.get(v).file(), x, offsets[v], offsets[v + 1] - offsets[v],
                        policy);
                if (bad) return null;
                progress.fileDone();
            }
        } finally {
            progress.finish();
        }
        List<String> names = videos.stream().map(VideoFile::name).toList();
        return new FeatureSet(x, offsets, names, 0, "memory-mapped from " + videos.size() + " .npy file"
                + (videos.size() == 1 ? "" : "s"));
    }

    /** Reads every file into ONE preallocated heap array (small sets: text, averaged crops, other dtypes). */
    private static FeatureSet onHeap(List<VideoFile> videos, FeatureShape[] shapes, int dim, FeatureFormat format,
                                     CropMode mode, NonFinitePolicy policy, Options options) {
        long elements = 0;
        for (FeatureShape s : shapes) elements += (long) s.rows(mode) * dim;
        MemoryBudget.require(elements * Float.BYTES, videos.get(0).file().getParent(),
                videos.size() + " videos of " + (elements / dim) + " rows x D " + dim);
        float[] x = new float[(int) elements];
        int[] offsets = new int[videos.size() + 1];
        List<String> names = new ArrayList<>(videos.size());
        int row = 0;
        long dropped = 0;
        options.progress().start("loading training features", videos.size());
        try {
            for (int v = 0; v < videos.size(); v++) {
                VideoFile video = videos.get(v);
                int rows = shapes[v].rows(mode);
                FeatureFiles.readInto(video.file(), format, mode, shapes[v], x, row * dim);
                int kept = NonFiniteRows.check(video.file(), x, row * dim, rows, dim, policy);
                if (kept == 0) throw new DataFormatException(video.file(), "every row holds NaN or infinity");
                dropped += rows - kept;
                row += kept;
                offsets[v + 1] = row;
                names.add(video.name());
                options.progress().fileDone();
            }
        } finally {
            options.progress().finish();
        }
        if (dropped > 0) x = Arrays.copyOf(x, row * dim);
        return new FeatureSet(new HeapFeatureRows(x, row, dim), offsets, List.copyOf(names), dropped, "in memory");
    }
}
