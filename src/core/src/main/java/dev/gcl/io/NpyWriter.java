package dev.gcl.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a little-endian float32, C-order .npy file row by row (format 1.0, header padded to 64 bytes as numpy
 * does), so that large arrays never sit in memory whole. The shape is declared up front; {@link #close} checks
 * that exactly that many rows were written.
 */
public final class NpyWriter implements AutoCloseable {
    private final Path file;
    private final OutputStream out;
    private final int rows;
    private final int dim;
    private final ByteBuffer rowBytes;
    private int written;

    public NpyWriter(Path file, int rows, int dim) {
        this.file = file;
        this.rows = rows;
        this.dim = dim;
        this.rowBytes = ByteBuffer.allocate(Math.multiplyExact(dim, 4)).order(ByteOrder.LITTLE_ENDIAN);
        try {
            this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
            out.write(header("<f4", false, new long[] {rows, dim}));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A complete .npy header (magic through padding) for the given descr, order and shape. */
    public static byte[] header(String descr, boolean fortranOrder, long[] shape) {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': ")
                .append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) s.append(i > 0 ? ", " : "").append(shape[i]);
        s.append(shape.length == 1 ? ",), }" : "), }");     // Python writes a 1-tuple as (n,)
        int unpadded = 10 + s.length() + 1;                 // magic 6, version 2, length 2, dict, newline
        int pad = (64 - unpadded % 64) % 64;
        s.append(" ".repeat(pad)).append('\n');
        byte[] dict = s.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) dict.length).put(dict);
        return b.array();
    }

    /** Writes a 1-D float32 .npy file of shape (n,) holding v (scores: one per segment). */
    public static void writeVector(Path file, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(v.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file))) {
            o.write(header("<f4", false, new long[] {v.length}));
            o.write(b.array());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Appends one row of {@code dim} floats from {@code src[off..off+dim)}. */
    public void writeRow(float[] src, int off) {
        if (written == rows) throw new IllegalStateException(file + ": all " + rows + " rows already written");
        rowBytes.clear();
        rowBytes.asFloatBuffer().put(src, off, dim);
        try {
            out.write(rowBytes.array(), 0, rowBytes.capacity());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        written++;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        if (written != rows) {
            throw new IllegalStateException(file + ": declared " + rows + " rows, wrote " + written);
        }
    }
}
