package dev.gcl.io;

/**
 * The shape of one video's feature file.
 *
 * @param segments T, the number of segments in the file
 * @param crops    1 when the file has no crop axis
 * @param dim      D
 */
public record FeatureShape(int segments, int crops, int dim) {
    /** Rows this file contributes under {@code mode}. */
    public int rows(CropMode mode) {
        return mode == CropMode.SEPARATE_ROWS ? Math.multiplyExact(segments, crops) : segments;
    }
}
