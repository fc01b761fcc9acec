package dev.gcl.export;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.*;

/** The wire format against hand-encoded bytes (protobuf.dev/programming-guides/encoding). */
class ProtobufTest {
    @Test
    void varintsAreSevenBitGroupsLeastSignificantFirst() {
        assertArrayEquals(bytes(0x08, 0x96, 0x01), new Protobuf().varint(1, 150).toByteArray());   // the guide's example
        assertArrayEquals(bytes(0x08, 0x00), new Protobuf().varint(1, 0).toByteArray());
        assertArrayEquals(bytes(0xA0, 0x01, 0x07), new Protobuf().varint(20, 7).toByteArray());    // a two-byte key
        byte[] minusOne = new Protobuf().varint(1, -1).toByteArray();
        assertEquals(11, minusOne.length, "a negative int64 takes ten bytes");
        assertEquals(0x01, minusOne[10]);
        for (long v : new long[] {0, 1, 127, 128, 16383, 16384, Integer.MAX_VALUE, Long.MAX_VALUE, -1}) {
            ByteBuffer b = ByteBuffer.allocate(10);
            Protobuf.putVarint(b, v);
            assertEquals(Protobuf.varintSize(v), b.position(), Long.toString(v));
        }
    }

    @Test
    void lengthDelimitedFieldsAndNestedMessages() {
        assertArrayEquals(bytes(0x12, 0x07, 't', 'e', 's', 't', 'i', 'n', 'g'),
                new Protobuf().string(2, "testing").toByteArray());
        assertArrayEquals(bytes(0x1A, 0x03, 0x08, 0x96, 0x01),
                new Protobuf().message(3, new Protobuf().varint(1, 150)).toByteArray());
        assertArrayEquals(bytes(0x4A, 0x08, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0),
                new Protobuf().floatsLittleEndian(9, new float[] {1f, -2f}).toByteArray());
        assertArrayEquals(bytes(0x4A, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF),
                new Protobuf().longsLittleEndian(9, -1).toByteArray());
    }

    @Test
    void anOnnxFileStartsWithItsIrVersion() {
        dev.gcl.model.GclModel m = ExportModels.model("small", dev.gcl.config.Variant.GCL_B);
        byte[] onnx = OnnxExport.toBytes(m, new dev.gcl.model.ModelFiles.Metadata(null, null, null, java.util.Map.of()),
                dev.gcl.config.ScoreSource.AUTO);
        assertEquals(0x08, onnx[0], "ModelProto.ir_version, field 1, varint");
        assertEquals(OnnxExport.IR_VERSION, onnx[1]);
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }
}
