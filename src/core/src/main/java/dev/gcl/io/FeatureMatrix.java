package dev.gcl.io;

/** One video's features: a row-major (rows, dim) matrix. */
public record FeatureMatrix(float[] data, int rows, int dim) {
    /** Row r as a new array. */
    public float[] row(int r) {
        float[] out = new float[dim];
        System.arraycopy(data, r * dim, out, 0, dim);
        return out;
    }
}
