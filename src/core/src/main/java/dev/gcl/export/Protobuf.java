package dev.gcl.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One protocol-buffers message being built, written in the binary wire format
 * (https://protobuf.dev/programming-guides/encoding/): each field a key (field number &lt;&lt; 3 | wire type) as a
 * varint, then a varint value (wire type 0) or a varint length and that many bytes (wire type 2: strings, bytes,
 * packed arrays and nested messages). Only what an ONNX model needs: no fixed-width, zigzag or group fields.
 * Nested messages and float arrays are kept by reference and sized before writing, so a model of tens of MB is
 * copied once, into the returned array.
 */
final class Protobuf {
    private static final int VARINT = 0, LENGTH_DELIMITED = 2;

    private interface Field {
        long size();

        void write(ByteBuffer out);
    }

    private final List<Field> fields = new ArrayList<>();
    private long size = -1;

    /** An int64, int32 or enum field (a negative value takes 10 bytes, as protobuf writes it). */
    Protobuf varint(int field, long value) {
        add(new Field() {
            public long size() { return varintSize(key(field, VARINT)) + varintSize(value); }

            public void write(ByteBuffer out) {
                putVarint(out, key(field, VARINT));
                putVarint(out, value);
            }
        });
        return this;
    }

    /** A string field, UTF-8. */
    Protobuf string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytes field. */
    Protobuf bytes(int field, byte[] value) {
        add(new Field() {
            public long size() { return varintSize(key(field, LENGTH_DELIMITED)) + varintSize(value.length) + value.length; }

            public void write(ByteBuffer out) {
                putVarint(out, key(field, LENGTH_DELIMITED));
                putVarint(out, value.length);
                out.put(value);
            }
        });
        return this;
    }

    /** A bytes field holding these floats as little-endian IEEE-754 float32 (ONNX's TensorProto.raw_data). */
    Protobuf floatsLittleEndian(int field, float[] value) {
        long n = 4L * value.length;
        add(new Field() {
            public long size() { return varintSize(key(field, LENGTH_DELIMITED)) + varintSize(n) + n; }

            public void write(ByteBuffer out) {
                putVarint(out, key(field, LENGTH_DELIMITED));
                putVarint(out, n);
                ByteOrder was = out.order();
                out.order(ByteOrder.LITTLE_ENDIAN);
                for (float v : value) out.putFloat(v);
                out.order(was);
            }
        });
        return this;
    }

    /** A bytes field holding these longs as little-endian int64 (raw_data of an INT64 tensor). */
    Protobuf longsLittleEndian(int field, long... value) {
        ByteBuffer b = ByteBuffer.allocate(8 * value.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : value) b.putLong(v);
        return bytes(field, b.array());
    }

    /** A nested message field (added by reference: build it completely before {@link #toByteArray()}). */
    Protobuf message(int field, Protobuf value) {
        add(new Field() {
            public long size() {
                long n = value.size();
                return varintSize(key(field, LENGTH_DELIMITED)) + varintSize(n) + n;
            }

            public void write(ByteBuffer out) {
                putVarint(out, key(field, LENGTH_DELIMITED));
                putVarint(out, value.size());
                value.writeTo(out);
            }
        });
        return this;
    }

    /** The encoded size in bytes. */
    long size() {
        if (size < 0) {
            long n = 0;
            for (Field f : fields) n += f.size();
            size = n;
        }
        return size;
    }

    /** The message encoded; an IllegalArgumentException beyond 2 GiB (a protobuf's own limit). */
    byte[] toByteArray() {
        long n = size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the message takes " + n + " bytes, more than protobuf's 2 GiB");
        }
        ByteBuffer out = ByteBuffer.allocate((int) n);
        writeTo(out);
        if (out.hasRemaining()) throw new IllegalStateException("wrote " + out.position() + " of " + n + " bytes");
        return out.array();
    }

    private void writeTo(ByteBuffer out) {
        for (Field f : fields) f.write(out);
    }

    private void add(Field f) {
        fields.add(f);
        size = -1;
    }

    private static long key(int field, int wireType) {
        return ((long) field << 3) | wireType;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static void putVarint(ByteBuffer out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.put((byte) v);
    }
}
