package dev.gcl.data;

/**
 * Unlabelled training segments in memory: a row-major (rows, dim) float matrix, optionally split into videos.
 *
 * <p>Two kinds: video data knows the segment range of each video (temporal cleaning needs it); flat data (an
 * ADBench table, say) has no time axis, and then every row counts as its own one-segment "video" so that per-row
 * labels can still drive gcl-occ or gcl-ws. Optional video labels (0 = normal, 1 = anomalous, -1 = unknown) are
 * used only by the variants that need them.
 *
 * <p>Immutable; the feature array is shared, not copied (callers must not modify it afterwards).
 */
public final class TrainingData {
    private final float[] features;
    private final int rows;
    private final int dim;
    private final int[] videoOffsets;
    private final boolean timeAxis;
    private final int[] videoLabels;

    private TrainingData(float[] features, int rows, int dim, int[] videoOffsets, boolean timeAxis,
                         int[] videoLabels) {
        this.features = features;
        this.rows = rows;
        this.dim = dim;
        this.videoOffsets = videoOffsets;
        this.timeAxis = timeAxis;
        this.videoLabels = videoLabels;
    }

    /** Flat data with no time axis: x is (rows, dim). */
    public static TrainingData flat(float[] x, int rows, int dim) {
        checkMatrix(x, rows, dim);
        int[] offsets = new int[rows + 1];
        for (int r = 0; r <= rows; r++) offsets[r] = r;
        return new TrainingData(x, rows, dim, offsets, false, null);
    }

    /**
     * Video data: x is (rows, dim); video v holds rows [offsets[v], offsets[v+1]). offsets starts at 0, ends at
     * rows and is strictly increasing (no empty videos).
     */
    public static TrainingData videos(float[] x, int dim, int[] offsets) {
        if (dim <= 0) throw new IllegalArgumentException("dim must be > 0, got " + dim);
        if (x.length % dim != 0) throw new IllegalArgumentException("feature array length " + x.length
                + " is not a multiple of dim " + dim);
        int rows = x.length / dim;
        checkMatrix(x, rows, dim);
        if (offsets.length < 2 || offsets[0] != 0 || offsets[offsets.length - 1] != rows) {
            throw new IllegalArgumentException("video offsets must start at 0 and end at " + rows);
        }
        for (int v = 0; v + 1 < offsets.length; v++) {
            if (offsets[v + 1] <= offsets[v]) {
                throw new IllegalArgumentException("video " + v + " is empty or offsets decrease");
            }
        }
        return new TrainingData(x, rows, dim, offsets.clone(), true, null);
    }

    private static void checkMatrix(float[] x, int rows, int dim) {
        if (rows < 0 || dim <= 0) throw new IllegalArgumentException("bad shape " + rows + "x" + dim);
        if ((long) rows * dim != x.length) {
            throw new IllegalArgumentException("feature array length " + x.length + " != " + rows + "x" + dim);
        }
    }

    /** The same data with labels per video (per row for flat data): 0 normal, 1 anomalous, -1 unknown. */
    public TrainingData withVideoLabels(int[] labels) {
        if (labels.length != videos()) {
            throw new IllegalArgumentException("expected " + videos() + " video labels, got " + labels.length);
        }
        for (int l : labels) {
            if (l < -1 || l > 1) throw new IllegalArgumentException("video labels must be -1, 0 or 1, got " + l);
        }
        return new TrainingData(features, rows, dim, videoOffsets, timeAxis, labels.clone());
    }

    public int rows() { return rows; }
    public int dim() { return dim; }
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

    /** The shared feature matrix (rows, dim). Do not modify. */
    public float[] features() {
        return features;
    }

    /** Feature (row, j). */
    public float get(int row, int j) {
        return features[row * dim + j];
    }

    @Override
    public String toString() {
        return "TrainingData[" + rows + "x" + dim + (timeAxis ? ", " + videos() + " videos" : ", flat")
                + (videoLabels != null ? ", labelled" : "") + "]";
    }
}
