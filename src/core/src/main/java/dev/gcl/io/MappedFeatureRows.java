package dev.gcl.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Feature rows memory-mapped read-only from float32 little-endian, row-major regions of files (the data of .npy
 * files, one region per file, in order): nothing is copied onto the Java heap, the page cache holds the numbers
 * once for every process that maps the same files, and data larger than memory is paged in from disk as it is read.
 *
 * <p>{@link FileChannel#map} maps at most 2 GiB per buffer, so a region is mapped in chunks of whole rows of at most
 * 2 GiB each; a row is found by binary search over the chunks' first rows. The mappings live until the buffers are
 * garbage-collected.
 */
public final class MappedFeatureRows implements FeatureRows {
    /** Bytes per mapped chunk at most (FileChannel.map's limit is Integer.MAX_VALUE). */
    static final long MAX_CHUNK_BYTES = Integer.MAX_VALUE;

    private final int dim;
    private final int rows;
    /** Chunk c holds rows [firstRow[c], firstRow[c + 1]); firstRow has one entry more than chunks. */
    private final int[] firstRow;
    private final FloatBuffer[] chunks;

    private MappedFeatureRows(int dim, int[] firstRow, FloatBuffer[] chunks) {
        this.dim = dim;
        this.firstRow = firstRow;
        this.chunks = chunks;
        this.rows = firstRow[chunks.length];
    }

    /** Collects the regions of one matrix, in row order. */
    public static final class Builder {
        private final int dim;
        private final long maxChunkBytes;
        private final List<FloatBuffer> chunks = new ArrayList<>();
        private final List<Integer> firsts = new ArrayList<>();
        private long rows;

        public Builder(int dim) {
            this(dim, MAX_CHUNK_BYTES);
        }

        /** maxChunkBytes below 2 GiB: tests exercise rows that straddle chunks without writing gigabytes. */
        Builder(int dim, long maxChunkBytes) {
            if (dim <= 0) throw new IllegalArgumentException("dim must be > 0, got " + dim);
            if ((long) dim * Float.BYTES > maxChunkBytes) {
                throw new InvalidInputException("one row of D " + dim + " exceeds a mapped chunk");
            }
            this.dim = dim;
            this.maxChunkBytes = maxChunkBytes;
        }

        /** Appends {@code regionRows} rows stored from byte {@code offset} of {@code file} on. */
        public Builder add(Path file, long offset, int regionRows) {
            if (regionRows < 0) throw new IllegalArgumentException("negative row count " + regionRows);
            if (rows + regionRows > Integer.MAX_VALUE - 8) {
                throw new DataFormatException(file, "more than 2^31-1 feature rows in all");
            }
            long rowBytes = (long) dim * Float.BYTES;
            int perChunk = (int) Math.min(Integer.MAX_VALUE, maxChunkBytes / rowBytes);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                for (int done = 0; done < regionRows; ) {
                    int n = Math.min(perChunk, regionRows - done);
                    MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, offset + done * rowBytes, n * rowBytes);
                    chunks.add(m.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
                    firsts.add((int) rows);
                    rows += n;
                    done += n;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot map " + file + ": " + e.getMessage(), e);
            }
            return this;
        }

        public MappedFeatureRows build() {
            int[] first = new int[chunks.size() + 1];
            for (int c = 0; c < chunks.size(); c++) first[c] = firsts.get(c);
            first[chunks.size()] = (int) rows;
            return new MappedFeatureRows(dim, first, chunks.toArray(new FloatBuffer[0]));
        }
    }

    @Override public int rows() { return rows; }
    @Override public int dim() { return dim; }

    /** Number of mapped buffers (each at most 2 GiB). */
    public int chunkCount() {
        return chunks.length;
    }

    private int chunkOf(int row) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        int c = Arrays.binarySearch(firstRow, 0, chunks.length, row);
        return c >= 0 ? c : -c - 2;   // chunks are never empty, so first rows are distinct
    }

    @Override
    public void copyRow(int row, float[] dst, int dstOffset) {
        int c = chunkOf(row);
        chunks[c].get((row - firstRow[c]) * dim, dst, dstOffset, dim);
    }

    @Override
    public void copyRow(int row, FloatBuffer dst, int dstOffset) {
        int c = chunkOf(row);
        dst.put(dstOffset, chunks[c], (row - firstRow[c]) * dim, dim);
    }

    @Override
    public float get(int row, int j) {
        int c = chunkOf(row);
        return chunks[c].get((row - firstRow[c]) * dim + j);
    }
}
