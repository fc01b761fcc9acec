package dev.gcl.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The element type of an .npy array, from its {@code descr} string ({@code '<f4'}, {@code '|u1'}, {@code '>i8'} ...).
 *
 * <p>Numeric kinds read as numbers: {@code f} (float16/32/64), {@code i} and {@code u} (1, 2, 4, 8 bytes), {@code b}
 * (bool). Text kinds read as strings only (for the optional {@code names} of an .npz): {@code U} (UTF-32) and
 * {@code S} (bytes). Object arrays ({@code O}, Python pickles), complex numbers, structured and datetime types are
 * refused by {@link #parse}.
 */
public record NpyDtype(String descr, char kind, int itemSize, ByteOrder order) {

    /** Parses a descr string; {@code source} names the file for the error message. */
    public static NpyDtype parse(String descr, String source) {
        if (descr.length() < 2) throw new DataFormatException(source, "unsupported dtype '" + descr + "'");
        char orderChar = descr.charAt(0);
        String rest = descr;
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;   // '|' (no order), '=' native: x86 and ARM are little-endian
        if (orderChar == '<' || orderChar == '>' || orderChar == '|' || orderChar == '=') {
            rest = descr.substring(1);
            if (orderChar == '>') order = ByteOrder.BIG_ENDIAN;
        }
        char kind = rest.charAt(0);
        if (kind == 'O') {
            throw new DataFormatException(source, "object arrays (dtype 'O', Python pickles) are not supported;"
                    + " save numeric arrays");
        }
        int size;
        try {
            size = Integer.parseInt(rest.substring(1));
        } catch (NumberFormatException e) {
            throw new DataFormatException(source, "unsupported dtype '" + descr + "'");
        }
        boolean ok = switch (kind) {
            case 'f' -> size == 2 || size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            case 'U' -> size >= 1 && size <= Integer.MAX_VALUE / 4;    // 4 bytes per character
            case 'S' -> size >= 1;
            default -> false;
        };
        if (!ok) {
            throw new DataFormatException(source, "unsupported dtype '" + descr + "' (supported: float16/32/64,"
                    + " signed and unsigned integers, bool; strings for names)");
        }
        int itemSize = kind == 'U' ? Math.multiplyExact(size, 4) : size;
        return new NpyDtype(descr, kind, itemSize, order);
    }

    public boolean isNumeric() {
        return kind == 'f' || kind == 'i' || kind == 'u' || kind == 'b';
    }

    public boolean isText() {
        return kind == 'U' || kind == 'S';
    }

    /** Reads {@code n} elements from {@code buf} (in this dtype's byte order) into {@code dst[off..off+n)}. */
    void decodeFloats(ByteBuffer buf, float[] dst, int off, int n) {
        buf.order(order);
        switch (kind) {
            case 'f' -> {
                if (itemSize == 4) {
                    buf.asFloatBuffer().get(dst, off, n);
                    buf.position(buf.position() + 4 * n);
                } else if (itemSize == 8) {
                    for (int i = 0; i < n; i++) dst[off + i] = (float) buf.getDouble();
                } else {
                    for (int i = 0; i < n; i++) dst[off + i] = HalfFloat.toFloat(buf.getShort());
                }
            }
            case 'i', 'u', 'b' -> {
                for (int i = 0; i < n; i++) dst[off + i] = (float) nextInteger(buf);
            }
            default -> throw new IllegalStateException("not numeric: " + descr);
        }
    }

    /** The next element as a double (exact for every integer below 2^53 and every float type). */
    double nextDouble(ByteBuffer buf) {
        buf.order(order);
        if (kind == 'f') {
            return switch (itemSize) {
                case 2 -> HalfFloat.toFloat(buf.getShort());
                case 4 -> buf.getFloat();
                default -> buf.getDouble();
            };
        }
        return nextInteger(buf);
    }

    private double nextInteger(ByteBuffer buf) {
        boolean unsigned = kind != 'i';
        return switch (itemSize) {
            case 1 -> unsigned ? buf.get() & 0xFF : buf.get();
            case 2 -> unsigned ? buf.getShort() & 0xFFFF : buf.getShort();
            case 4 -> unsigned ? buf.getInt() & 0xFFFFFFFFL : buf.getInt();
            default -> {
                long v = buf.getLong();
                yield unsigned && v < 0 ? (double) (v >>> 1) * 2.0 + (v & 1) : (double) v;
            }
        };
    }

    /** The next element as a string (text kinds), trailing NULs removed as numpy does. */
    String nextString(ByteBuffer buf) {
        byte[] raw = new byte[itemSize];
        buf.get(raw);
        String s = kind == 'U'
                ? new String(raw, java.nio.charset.Charset.forName(order == ByteOrder.BIG_ENDIAN ? "UTF-32BE" : "UTF-32LE"))
                : new String(raw, StandardCharsets.ISO_8859_1);
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '\0') end--;
        return s.substring(0, end);
    }

}
