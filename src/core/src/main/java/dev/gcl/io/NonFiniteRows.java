package dev.gcl.io;

import java.nio.file.Path;

/** Finds NaN and infinite values in a block of feature rows, and drops the rows holding them. */
public final class NonFiniteRows {
    private NonFiniteRows() {}

    /**
     * Checks rows [0, rows) of the (rows, dim) block at {@code offset}; under {@link NonFinitePolicy#FAIL} a bad
     * value throws, under {@code DROP_ROWS} the good rows are moved up. Returns the number of rows kept.
     */
    public static int check(Path file, float[] x, int offset, int rows, int dim, NonFinitePolicy policy) {
        long bad = 0;
        int firstRow = -1, firstCol = -1;
        float firstValue = 0;
        boolean drop = policy == NonFinitePolicy.DROP_ROWS;
        int kept = 0;
        for (int r = 0; r < rows; r++) {
            int base = offset + r * dim;
            boolean rowBad = false;
            for (int j = 0; j < dim; j++) {
                if (!Float.isFinite(x[base + j])) {
                    if (bad++ == 0) {
                        firstRow = r;
                        firstCol = j;
                        firstValue = x[base + j];
                    }
                    rowBad = true;
                }
            }
            if (!rowBad) {
                if (drop && kept != r) System.arraycopy(x, base, x, offset + kept * dim, dim);
                kept++;
            }
        }
        if (bad > 0 && !drop) {
            throw new DataFormatException(file, bad + " NaN or infinite values, the first at row " + firstRow
                    + ", column " + firstCol + " (" + firstValue
                    + "); the option to drop such rows is non_finite: drop_rows");
        }
        return bad == 0 ? rows : kept;
    }

    /**
     * Checks rows [first, first + rows) of mapped (or any) feature rows in place, without moving them: under
     * {@link NonFinitePolicy#FAIL} a bad value throws as {@link #check} does; otherwise returns whether any row holds
     * one (the caller then copies the rows to drop them).
     */
    public static boolean scan(Path file, FeatureRows x, int first, int rows, NonFinitePolicy policy) {
        int dim = x.dim();
        float[] row = new float[dim];
        for (int r = 0; r < rows; r++) {
            x.copyRow(first + r, row, 0);
            for (int j = 0; j < dim; j++) {
                if (!Float.isFinite(row[j])) {
                    if (policy == NonFinitePolicy.DROP_ROWS) return true;
                    // the message counts every bad value of the file, as the heap check's does
                    float[] block = new float[Math.multiplyExact(rows, dim)];
                    for (int k = 0; k < rows; k++) x.copyRow(first + k, block, k * dim);
                    check(file, block, 0, rows, dim, NonFinitePolicy.FAIL);
                }
            }
        }
        return false;
    }
}
