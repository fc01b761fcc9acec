package dev.gcl.io;

import java.util.List;

/**
 * The features of many videos as one (rows, dim) matrix of {@link FeatureRows}: video v holds rows
 * offsets[v]..offsets[v+1].
 *
 * @param droppedRows rows removed for NaN/Inf under {@link NonFinitePolicy#DROP_ROWS} (0 otherwise)
 * @param storage     where the numbers live, in words ("memory-mapped from 1610 .npy files", ...)
 */
public record FeatureSet(FeatureRows features, int[] offsets, List<String> names, long droppedRows, String storage) {
    public int rows() {
        return offsets[offsets.length - 1];
    }

    public int dim() {
        return features.dim();
    }

    public int videos() {
        return offsets.length - 1;
    }

    /** Every feature in one new heap array (small sets and tests; fails beyond 2^31-1 floats). */
    public float[] x() {
        float[] heap = features.heapArray();
        if (heap != null) return heap;
        float[] out = new float[Math.toIntExact(features.elements())];
        for (int r = 0; r < rows(); r++) features.copyRow(r, out, r * dim());
        return out;
    }
}
