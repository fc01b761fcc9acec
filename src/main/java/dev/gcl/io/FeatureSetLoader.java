package dev.gcl.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loads the features of many videos into ONE preallocated {@code float[]}: a first pass reads every file's shape
 * (.npy headers only), a second reads each file straight into its slice. A 6.5 GB set therefore needs 6.5 GB of
 * heap, not twice that. A Java array holds at most 2^31-1 floats (8 GiB): a larger set fails with a message saying
 * so. With {@link NonFinitePolicy#DROP_ROWS}, rows are dropped in place and the array is trimmed by one copy at the
 * end, only when rows were dropped.
 */
public final class FeatureSetLoader {
    /** One video: its name (as the lists call it) and its feature file. */
    public record VideoFile(String name, Path file) {}

    private FeatureSetLoader() {}

    public static FeatureSet load(List<VideoFile> videos, FeatureFormat format, CropMode mode,
                                  NonFinitePolicy policy) {
        if (videos.isEmpty()) throw new IllegalArgumentException("no videos to load");
        FeatureShape[] shapes = new FeatureShape[videos.size()];
        long totalRows = 0;
        int dim = -1;
        for (int v = 0; v < videos.size(); v++) {
            VideoFile video = videos.get(v);
            shapes[v] = FeatureFiles.shape(video.file(), format);
            if (dim < 0) dim = shapes[v].dim();
            else if (shapes[v].dim() != dim) {
                throw new DataFormatException(video.file(), "has D = " + shapes[v].dim() + ", but "
                        + videos.get(0).file().getFileName() + " has D = " + dim + " (all videos must agree)");
            }
            totalRows += shapes[v].rows(mode);
        }
        long elements = totalRows * dim;
        if (elements > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(videos.get(0).file().getParent(), videos.size() + " videos hold "
                    + totalRows + " rows x D " + dim + " = " + elements + " floats, more than one Java array"
                    + " holds (2^31-1); load fewer videos or reduce D");
        }
        MemoryBudget.require(elements * Float.BYTES, videos.get(0).file().getParent(),
                videos.size() + " videos of " + totalRows + " rows x D " + dim);
        float[] x = new float[(int) elements];
        int[] offsets = new int[videos.size() + 1];
        List<String> names = new ArrayList<>(videos.size());
        int row = 0;
        long dropped = 0;
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
        }
        if (dropped > 0) x = Arrays.copyOf(x, row * dim);
        return new FeatureSet(x, dim, offsets, List.copyOf(names), dropped);
    }
}
