package dev.gcl.io;

import java.util.List;

/**
 * The features of many videos in one row-major (rows, dim) array: video v holds rows offsets[v]..offsets[v+1].
 *
 * @param droppedRows rows removed for NaN/Inf under {@link NonFinitePolicy#DROP_ROWS} (0 otherwise)
 */
public record FeatureSet(float[] x, int dim, int[] offsets, List<String> names, long droppedRows) {
    public int rows() {
        return offsets[offsets.length - 1];
    }

    public int videos() {
        return offsets.length - 1;
    }
}
