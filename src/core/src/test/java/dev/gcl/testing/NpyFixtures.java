package dev.gcl.testing;

import dev.gcl.io.NpyWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Writes small .npy/.npz files of any dtype for tests, byte by byte as numpy lays them out. */
public final class NpyFixtures {
    private NpyFixtures() {}

    /** Header for (descr, order, shape) followed by the bytes {@code data} puts into a buffer of dataBytes. */
    public static byte[] npy(String descr, boolean fortran, long[] shape, int dataBytes, ByteOrder order,
                             Consumer<ByteBuffer> data) {
        byte[] header = NpyWriter.header(descr, fortran, shape);
        ByteBuffer b = ByteBuffer.allocate(header.length + dataBytes).order(order);
        b.put(header);
        data.accept(b);
        return b.array();
    }

    public static Path write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        return file;
    }

    /** A float32 [rows, dim] .npy in C order. */
    public static Path float32(Path file, int rows, int dim, float[] values) throws IOException {
        return write(file, npy("<f4", false, new long[] {rows, dim}, values.length * 4, ByteOrder.LITTLE_ENDIAN,
                b -> { for (float v : values) b.putFloat(v); }));
    }

    /** An .npz holding the given (name, npy bytes) pairs, names without ".npy". */
    public static Path npz(Path file, String[] names, byte[][] arrays) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (int i = 0; i < names.length; i++) {
                zip.putNextEntry(new ZipEntry(names[i] + ".npy"));
                zip.write(arrays[i]);
                zip.closeEntry();
            }
        }
        return file;
    }
}
