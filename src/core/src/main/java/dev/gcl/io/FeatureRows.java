package dev.gcl.io;

import java.nio.FloatBuffer;

/**
 * A (rows, dim) matrix of float32 feature rows in host memory, read row by row: on the Java heap
 * ({@link HeapFeatureRows}) or memory-mapped from files ({@link MappedFeatureRows}), where rows x dim may exceed
 * 2^31 elements and the operating system's page cache, not the Java heap, holds the numbers. Element offsets are
 * long; a row index is an int (2^31-1 rows at most: the epoch's permutation of them is itself an int array).
 *
 * <p>Read-only and safe to read from several threads at once.
 */
public interface FeatureRows {
    int rows();

    int dim();

    /** rows() x dim(), as a long. */
    default long elements() {
        return (long) rows() * dim();
    }

    /** Copies row {@code row} into {@code dst[dstOffset, dstOffset + dim)}. */
    void copyRow(int row, float[] dst, int dstOffset);

    /** Copies row {@code row} into {@code dst} at absolute index {@code dstOffset} (position unchanged). */
    void copyRow(int row, FloatBuffer dst, int dstOffset);

    /** Feature (row, j). */
    float get(int row, int j);

    /** The heap array behind these rows, or null when they are not one heap array (memory-mapped). */
    default float[] heapArray() {
        return null;
    }
}
