package dev.gcl.io;

import java.nio.FloatBuffer;

/** Feature rows in one heap array (at most 2^31-1 floats): in-memory data built from {@code float[]}. */
public final class HeapFeatureRows implements FeatureRows {
    private final float[] x;
    private final int rows;
    private final int dim;

    /** x is (rows, dim), row-major; shared, not copied. */
    public HeapFeatureRows(float[] x, int rows, int dim) {
        if (rows < 0 || dim <= 0) throw new IllegalArgumentException("bad shape " + rows + "x" + dim);
        if ((long) rows * dim != x.length) {
            throw new IllegalArgumentException("feature array length " + x.length + " != " + rows + "x" + dim);
        }
        this.x = x;
        this.rows = rows;
        this.dim = dim;
    }

    @Override public int rows() { return rows; }
    @Override public int dim() { return dim; }

    @Override
    public void copyRow(int row, float[] dst, int dstOffset) {
        System.arraycopy(x, row * dim, dst, dstOffset, dim);
    }

    @Override
    public void copyRow(int row, FloatBuffer dst, int dstOffset) {
        dst.put(dstOffset, x, row * dim, dim);
    }

    @Override
    public float get(int row, int j) {
        return x[row * dim + j];
    }

    @Override
    public float[] heapArray() {
        return x;
    }
}
