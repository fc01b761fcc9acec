package dev.gcl.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * An ADBench/ODDS-style .npz table: {@code X} [N, D] features (any numeric dtype, C or Fortran order, stored or
 * deflated), {@code y} [N] labels 0/1 (1 = anomalous), and optionally {@code offsets} [V+1] (video v holds rows
 * offsets[v]..offsets[v+1]) and {@code names} [V] (strings). No time axis unless offsets are given.
 *
 * @param offsets null when the file has none
 * @param names   null when the file has none
 */
public record NpzTable(float[] x, int rows, int dim, int[] y, int[] offsets, String[] names) {

    /** Reads {@code file}; every problem is a {@link DataFormatException} naming the file and the entry. */
    public static NpzTable read(Path file) {
        if (!Files.isRegularFile(file)) throw new DataFormatException(file, "no such file");
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> keys = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                keys.add(e.nextElement().getName());
            }
            ZipEntry xEntry = entry(zip, file, "X", keys, true);
            ZipEntry yEntry = entry(zip, file, "y", keys, true);
            NpyFloats x = readFloats(zip, xEntry, file);
            long[] shape = x.shape();
            if (shape.length != 2) {
                throw new DataFormatException(file + "[X]", "expected shape [N, D], got " + java.util.Arrays.toString(shape));
            }
            // both at least 1, so neither exceeds the element count the reader already bounded to an int
            if (shape[0] < 1 || shape[1] < 1) {
                throw new DataFormatException(file + "[X]", "shape " + java.util.Arrays.toString(shape)
                        + " has no rows or no columns");
            }
            int rows = (int) shape[0], dim = (int) shape[1];
            int[] y = integers(zip, yEntry, file, "y");
            if (y.length != rows) {
                throw new DataFormatException(file + "[y]", "has " + y.length + " labels for " + rows + " rows of X");
            }
            for (int i = 0; i < y.length; i++) {
                if (y[i] != 0 && y[i] != 1) {
                    throw new DataFormatException(file + "[y]", "label " + i + " is " + y[i] + ", expected 0 or 1");
                }
            }
            int[] offsets = null;
            ZipEntry oEntry = entry(zip, file, "offsets", keys, false);
            if (oEntry != null) offsets = checkOffsets(integers(zip, oEntry, file, "offsets"), rows, file);
            String[] names = null;
            ZipEntry nEntry = entry(zip, file, "names", keys, false);
            if (nEntry != null) {
                String source = file + "[names]";
                try (InputStream in = new BufferedInputStream(zip.getInputStream(nEntry))) {
                    NpyHeader h = NpyHeader.read(in, source);
                    h.checkDataLength(nEntry.getSize() - h.dataOffset(), source);
                    names = NpyReader.readStrings(in, h, source);
                }
                int videos = offsets != null ? offsets.length - 1 : rows;
                if (names.length != videos) {
                    throw new DataFormatException(source, "has " + names.length + " names for " + videos
                            + (offsets != null ? " videos" : " rows"));
                }
            }
            return new NpzTable(x.data(), rows, dim, y, offsets, names);
        } catch (ZipException | EOFException e) {   // EOF: a deflated entry that ends early
            throw new DataFormatException(file, "not a readable .npz (zip) file: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static ZipEntry entry(ZipFile zip, Path file, String key, List<String> keys, boolean required) {
        ZipEntry e = zip.getEntry(key + ".npy");
        if (e == null && required) {
            throw new DataFormatException(file, "no array '" + key + "' (arrays present: "
                    + String.join(", ", keys.stream().map(k -> k.replaceAll("\\.npy$", "")).toList()) + ")");
        }
        return e;
    }

    private static NpyFloats readFloats(ZipFile zip, ZipEntry entry, Path file) throws IOException {
        String source = file + "[" + entry.getName().replaceAll("\\.npy$", "") + "]";
        try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
            NpyHeader h = NpyHeader.read(in, source);
            h.checkDataLength(entry.getSize() - h.dataOffset(), source);
            float[] data = new float[NpyReader.checkedSize(h, source)];
            NpyReader.stream(in, h, source, (v, n, first) -> System.arraycopy(v, 0, data, (int) first, n));
            return new NpyFloats(h.shape(), data);
        }
    }

    private static int[] integers(ZipFile zip, ZipEntry entry, Path file, String key) throws IOException {
        String source = file + "[" + key + "]";
        try (InputStream in = new BufferedInputStream(zip.getInputStream(entry))) {
            NpyHeader h = NpyHeader.read(in, source);
            h.checkDataLength(entry.getSize() - h.dataOffset(), source);
            if (h.shape().length != 1) {
                throw new DataFormatException(source, "expected a 1-D array, got shape " + h.shapeText());
            }
            double[] d = NpyReader.readDoubles(in, h, source);
            int[] out = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                if (d[i] != Math.rint(d[i]) || Math.abs(d[i]) > Integer.MAX_VALUE) {
                    throw new DataFormatException(source, "element " + i + " = " + d[i] + " is not an integer");
                }
                out[i] = (int) d[i];
            }
            return out;
        }
    }

    private static int[] checkOffsets(int[] offsets, int rows, Path file) {
        String source = file + "[offsets]";
        if (offsets.length < 2 || offsets[0] != 0 || offsets[offsets.length - 1] != rows) {
            throw new DataFormatException(source, "must start at 0 and end at " + rows + " (rows of X)");
        }
        for (int v = 0; v + 1 < offsets.length; v++) {
            if (offsets[v + 1] <= offsets[v]) {
                throw new DataFormatException(source, "video " + v + " is empty or offsets decrease");
            }
        }
        return offsets;
    }

    /** Number of anomalous rows. */
    public int anomalies() {
        int s = 0;
        for (int l : y) s += l;
        return s;
    }

}
