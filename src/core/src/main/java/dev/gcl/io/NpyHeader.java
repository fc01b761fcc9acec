package dev.gcl.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of an .npy file (format versions 1.0, 2.0 and 3.0): magic {@code \x93NUMPY}, version bytes, header
 * length (2 bytes little-endian in 1.0, 4 bytes after), then a Python dict literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (32, 4096), }}.
 *
 * @param dataOffset bytes from the start of the file to the first data byte
 */
public record NpyHeader(NpyDtype dtype, boolean fortranOrder, long[] shape, long dataOffset) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*(?:'([^']*)'|\"([^\"]*)\"|(\\[))");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Reads the header from the start of {@code in}, leaving it positioned at the first data byte. */
    public static NpyHeader read(InputStream in, String source) throws IOException {
        byte[] prefix = new byte[8];
        int got = in.readNBytes(prefix, 0, 8);
        if (got == 0) throw new DataFormatException(source, "empty file, not an .npy array");
        if (got < 6 || !Arrays.equals(Arrays.copyOf(prefix, 6), MAGIC)) {
            throw new DataFormatException(source, "not an .npy file (wrong magic bytes)");
        }
        if (got < 8) throw new DataFormatException(source, "truncated .npy header");
        int major = prefix[6];
        long headerLength;
        int lengthBytes = major == 1 ? 2 : 4;
        if (major < 1 || major > 3) throw new DataFormatException(source, "unsupported .npy version " + major);
        byte[] len = in.readNBytes(lengthBytes);
        if (len.length < lengthBytes) throw new DataFormatException(source, "truncated .npy header");
        headerLength = (len[0] & 0xFF) | (len[1] & 0xFF) << 8;
        if (lengthBytes == 4) headerLength |= (long) (len[2] & 0xFF) << 16 | (long) (len[3] & 0xFF) << 24;
        if (headerLength > 1 << 20) {
            throw new DataFormatException(source, "implausible .npy header length " + headerLength);
        }
        byte[] text = in.readNBytes((int) headerLength);
        if (text.length < headerLength) throw new DataFormatException(source, "truncated .npy header");
        String dict = new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parseDict(dict, source, 8 + lengthBytes + headerLength);
    }

    static NpyHeader parseDict(String dict, String source, long dataOffset) {
        Matcher d = DESCR.matcher(dict);
        if (!d.find()) throw new DataFormatException(source, "malformed .npy header: no 'descr'");
        if (d.group(3) != null) {
            throw new DataFormatException(source, "structured dtypes (record arrays) are not supported");
        }
        NpyDtype dtype = NpyDtype.parse(d.group(1) != null ? d.group(1) : d.group(2), source);
        Matcher f = FORTRAN.matcher(dict);
        if (!f.find()) throw new DataFormatException(source, "malformed .npy header: no 'fortran_order'");
        Matcher s = SHAPE.matcher(dict);
        if (!s.find()) throw new DataFormatException(source, "malformed .npy header: no 'shape'");
        String[] parts = s.group(1).split(",");
        long[] shape = Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty())
                .mapToLong(p -> parseDimension(p, source)).toArray();
        return new NpyHeader(dtype, f.group(1).equals("True"), shape, dataOffset);
    }

    private static long parseDimension(String p, String source) {
        String digits = p.endsWith("L") ? p.substring(0, p.length() - 1) : p;  // Python 2 longs
        try {
            long v = Long.parseLong(digits);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new DataFormatException(source, "malformed .npy shape entry '" + p + "'");
        }
    }

    /** Number of elements; fails on overflow rather than wrapping. */
    public long elementCount(String source) {
        long n = 1;
        try {
            for (long dim : shape) n = Math.multiplyExact(n, dim);
            return n;
        } catch (ArithmeticException e) {
            throw new DataFormatException(source, "declared shape " + Arrays.toString(shape) + " overflows");
        }
    }

    /** Bytes of data the header declares; fails on overflow. */
    public long dataBytes(String source) {
        try {
            return Math.multiplyExact(elementCount(source), (long) dtype.itemSize());
        } catch (ArithmeticException e) {
            throw new DataFormatException(source, "declared shape " + Arrays.toString(shape) + " overflows");
        }
    }

    /**
     * Checks that the data the header declares is exactly what the stream holds ({@code available} bytes after
     * the header): never allocate for a shape the file cannot back.
     */
    public void checkDataLength(long available, String source) {
        long need = dataBytes(source);
        if (available < need) {
            throw new DataFormatException(source, "truncated: shape " + Arrays.toString(shape) + " of "
                    + dtype.descr() + " needs " + need + " data bytes, the file has " + available);
        }
        if (available > need) {
            throw new DataFormatException(source, "shape " + Arrays.toString(shape) + " of " + dtype.descr()
                    + " needs " + need + " data bytes, the file has " + (available - need) + " bytes more");
        }
    }

    /** Shape as text, e.g. {@code [32, 4096]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    static void readFully(InputStream in, byte[] b, int n, String source) throws IOException {
        if (in.readNBytes(b, 0, n) < n) throw new DataFormatException(source, "truncated data", new EOFException());
    }
}
