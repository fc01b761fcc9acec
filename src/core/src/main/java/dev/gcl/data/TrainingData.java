package dev.gcl.data;

import dev.gcl.io.FeatureRows;
import dev.gcl.io.HeapFeatureRows;
import dev.gcl.io.InvalidInputException;

/**
 * Unlabelled training segments: a row-major (rows, dim) float matrix, optionally split into videos.
 *
 * <p>Two kinds: video data knows the segment range of each video (temporal cleaning needs it); flat data (an
 * ADBench table, say) has no time axis, and then every row counts as its own one-segment "video" so that per-row
 * labels can still drive gcl-occ or gcl-ws. Optional video labels (0 = normal, 1 = anomalous, -1 = unknown) are
 * used only by the variants that need them.
 *
 * <p>The features are {@link FeatureRows}: one heap array (data built from {@code float[]}) or rows memory-mapped
 * from feature files ({@link dev.gcl.io.MappedFeatureRows}, what {@link DatasetLoader} gives for float32 .npy
 * files), where rows x dim may exceed 2^31 elements. Immutable; the features are shared, not copied (callers must
 * not modify a heap array afterwards).
 */
public final class TrainingData {
    private final FeatureRows features;
    private final int[] videoOffsets;
    private final boolean timeAxis;
    private final int[] videoLabels;
    /** {@link DataFingerprint} of these rows and offsets, computed once (labels are not part of it). */
    private final String[] fingerprint;

    private TrainingData(FeatureRows features, int[] videoOffsets, boolean timeAxis, int[] videoLabels,
                         String[] fingerprint) {
        this.features = features;
        this.videoOffsets = videoOffsets;
        this.timeAxis = timeAxis;
        this.videoLabels = videoLabels;
        this.fingerprint = fingerprint;
    }

    /** Flat data with no time axis: x is (rows, dim). */
    public static TrainingData flat(float[] x, int rows, int dim) {
        return flat(new HeapFeatureRows(x, rows, dim));
    }

    /** Flat data with no time axis over any feature rows. */
    public static TrainingData flat(FeatureRows rows) {
        int n = rows.rows();
        int[] offsets = new int[n + 1];
        for (int r = 0; r <= n; r++) offsets[r] = r;
        return new TrainingData(rows, offsets, false, null, new String[1]);
    }

    /**
     * Video data: x is (rows, dim); video v holds rows [offsets[v], offsets[v+1]). offsets starts at 0, ends at
     * rows and is strictly increasing (no empty videos).
     */
    public static TrainingData videos(float[] x, int dim, int[] offsets) {
        if (dim <= 0) throw new InvalidInputException("dim must be > 0, got " + dim);
        if (x.length % dim != 0) throw new InvalidInputException("feature array length " + x.length
                + " is not a multiple of dim " + dim);
        return videos(new HeapFeatureRows(x, x.length / dim, dim), offsets);
    }

    /** Video data over any feature rows; offsets as in {@link #videos(float[], int, int[])}. */
    public static TrainingData videos(FeatureRows rows, int[] offsets) {
        int n = rows.rows();
        if (offsets.length < 2 || offsets[0] != 0 || offsets[offsets.length - 1] != n) {
            throw new InvalidInputException("video offsets must start at 0 and end at " + n);
        }
        for (int v = 0; v + 1 < offsets.length; v++) {
            if (offsets[v + 1] <= offsets[v]) {
                throw new InvalidInputException("video " + v + " is empty or offsets decrease");
            }
        }
        return new TrainingData(rows, offsets.clone(), true, null, new String[1]);
    }

    /** The same data with labels per video (per row for flat data): 0 normal, 1 anomalous, -1 unknown. */
    public TrainingData withVideoLabels(int[] labels) {
        if (labels.length != videos()) {
            throw new InvalidInputException("expected " + videos() + " video labels, got " + labels.length);
        }
        for (int l : labels) {
            if (l < -1 || l > 1) throw new InvalidInputException("video labels must be -1, 0 or 1, got " + l);
        }
        // the fingerprint covers rows and offsets only, so the labelled copy shares it
        return new TrainingData(features, videoOffsets, timeAxis, labels.clone(), fingerprint);
    }

    public int rows() { return features.rows(); }
    public int dim() { return features.dim(); }
    public int videos() { return videoOffsets.length - 1; }
    public boolean hasTimeAxis() { return timeAxis; }
    public boolean hasVideoLabels() { return videoLabels != null; }

    /** First row of video v. */
    public int videoStart(int v) { return videoOffsets[v]; }

    /** One past the last row of video v. */
    public int videoEnd(int v) { return videoOffsets[v + 1]; }

    /** Label of video v (0, 1, or -1 unknown); throws when the data carries none. */
    public int videoLabel(int v) {
        if (videoLabels == null) throw new IllegalStateException("the data has no video labels");
        return videoLabels[v];
    }

    /** The feature rows (heap or memory-mapped). */
    public FeatureRows featureRows() {
        return features;
    }

    /**
     * The shared heap array (rows, dim) of data built from {@code float[]}. Do not modify. Throws
     * IllegalStateException for memory-mapped features: read those through {@link #featureRows()}.
     */
    public float[] features() {
        float[] x = features.heapArray();
        if (x == null) {
            throw new IllegalStateException("the features of " + this + " are memory-mapped, not one heap array;"
                    + " read them through featureRows()");
        }
        return x;
    }

    /** Feature (row, j). */
    public float get(int row, int j) {
        return features.get(row, j);
    }

    /** The memo cell of {@link DataFingerprint}: shared by this data and its labelled copies. */
    String[] fingerprintCell() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "TrainingData[" + rows() + "x" + dim() + (timeAxis ? ", " + videos() + " videos" : ", flat")
                + (videoLabels != null ? ", labelled" : "") + "]";
    }
}
