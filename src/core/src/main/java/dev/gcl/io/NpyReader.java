package dev.gcl.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads .npy arrays (numpy's own format, versions 1-3) as float32, streaming the data in 1 MiB chunks so that a
 * caller can write it straight into its destination.
 *
 * <p>Conventions: elements arrive in C (row-major) order whatever the file's layout; a Fortran-ordered file is read
 * through one temporary copy and transposed (such files are ADBench-sized tables, not video feature sets). The
 * declared data size is checked against the bytes actually present before anything is allocated. float64 and
 * 64-bit integers are rounded to float32.
 */
public final class NpyReader {
    private static final int CHUNK_BYTES = 1 << 20;

    /** Receives consecutive elements in C order: {@code values[0..n)} are elements {@code first..first+n)}. */
    @FunctionalInterface
    public interface FloatSink {
        void accept(float[] values, int n, long first);
    }

    private NpyReader() {}

    /** The header of {@code file}, checked against the file's size. */
    public static NpyHeader header(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 4096)) {
            NpyHeader h = NpyHeader.read(in, file.toString());
            h.checkDataLength(Files.size(file) - h.dataOffset(), file.toString());
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The whole numeric array as float32 in C order. */
    public static NpyFloats read(Path file) {
        NpyHeader h = header(file);
        int n = checkedSize(h, file.toString());
        float[] data = new float[n];
        stream(file, h, (values, count, first) -> System.arraycopy(values, 0, data, (int) first, count));
        return new NpyFloats(h.shape(), data);
    }

    /** Streams the numeric data of {@code file} (header {@code h} from {@link #header}) in C order. */
    public static void stream(Path file, NpyHeader h, FloatSink sink) {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(h.dataOffset());
            stream(in, h, file.toString(), sink);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Streams numeric data from {@code in}, positioned after the header, whose length the caller checked. */
    public static void stream(InputStream in, NpyHeader h, String source, FloatSink sink) throws IOException {
        if (!h.dtype().isNumeric()) {
            throw new DataFormatException(source, "dtype " + h.dtype().descr() + " is not numeric");
        }
        long count = h.elementCount(source);
        if (h.fortranOrder() && h.shape().length > 1) {
            float[] fileOrder = new float[checkedSize(h, source)];
            streamRaw(in, h, count, source, (v, n, first) -> System.arraycopy(v, 0, fileOrder, (int) first, n));
            float[] c = fortranToC(fileOrder, h.shape());
            sink.accept(c, c.length, 0);
        } else {
            streamRaw(in, h, count, source, sink);
        }
    }

    private static void streamRaw(InputStream in, NpyHeader h, long count, String source, FloatSink sink)
            throws IOException {
        int item = h.dtype().itemSize();
        int perChunk = Math.max(1, CHUNK_BYTES / item);
        byte[] bytes = new byte[(int) Math.min((long) perChunk * item, Math.max(item, count * item))];
        float[] values = new float[bytes.length / item];
        long done = 0;
        while (done < count) {
            int n = (int) Math.min(values.length, count - done);
            NpyHeader.readFully(in, bytes, n * item, source);
            h.dtype().decodeFloats(ByteBuffer.wrap(bytes, 0, n * item), values, 0, n);
            sink.accept(values, n, done);
            done += n;
        }
    }

    /** Numbers (labels, offsets) of a small numeric array, exactly as doubles. */
    static double[] readDoubles(InputStream in, NpyHeader h, String source) throws IOException {
        if (!h.dtype().isNumeric()) {
            throw new DataFormatException(source, "dtype " + h.dtype().descr() + " is not numeric");
        }
        int n = checkedSize(h, source);
        byte[] bytes = new byte[Math.multiplyExact(n, h.dtype().itemSize())];
        NpyHeader.readFully(in, bytes, bytes.length, source);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = h.dtype().nextDouble(buf);
        if (h.fortranOrder() && h.shape().length > 1) {
            throw new DataFormatException(source, "expected a 1-D array, got shape " + h.shapeText());
        }
        return out;
    }

    /** Strings of a 1-D text array ({@code U} or {@code S} dtype). */
    static String[] readStrings(InputStream in, NpyHeader h, String source) throws IOException {
        if (!h.dtype().isText()) {
            throw new DataFormatException(source, "expected a string array, got dtype " + h.dtype().descr());
        }
        int n = checkedSize(h, source);
        byte[] bytes = new byte[Math.multiplyExact(n, h.dtype().itemSize())];
        NpyHeader.readFully(in, bytes, bytes.length, source);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        String[] out = new String[n];
        for (int i = 0; i < n; i++) out[i] = h.dtype().nextString(buf);
        return out;
    }

    static int checkedSize(NpyHeader h, String source) {
        long n = h.elementCount(source);
        if (n > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(source, "shape " + h.shapeText() + " has " + n
                    + " elements, more than a Java array holds (2^31-1)");
        }
        return (int) n;
    }

    /** Reorders an array stored first-index-fastest into row-major order. */
    static float[] fortranToC(float[] f, long[] shape) {
        int k = shape.length;
        long[] cStride = new long[k];
        long s = 1;
        for (int i = k - 1; i >= 0; i--) {
            cStride[i] = s;
            s *= shape[i];
        }
        float[] c = new float[f.length];
        long[] index = new long[k];
        for (int p = 0; p < f.length; p++) {
            long target = 0;
            for (int i = 0; i < k; i++) target += index[i] * cStride[i];
            c[(int) target] = f[p];
            for (int i = 0; i < k; i++) {       // first index varies fastest in Fortran order
                if (++index[i] < shape[i]) break;
                index[i] = 0;
            }
        }
        return c;
    }
}
