package dev.gcl.corpus;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static dev.gcl.corpus.BadInputCase.expect;
import static dev.gcl.corpus.CorpusData.D;
import static dev.gcl.corpus.CorpusData.T;
import static dev.gcl.corpus.CorpusData.f32;
import static dev.gcl.corpus.CorpusData.npy;
import static dev.gcl.corpus.CorpusData.npyWithDict;

/** Broken .npy feature files (NpyHeader, NpyReader, FeatureFiles), each one training video's file, via train. */
final class NpyCases {
    private static final String READER = "npy";
    private static final byte[] DATA = f32(CorpusData.values(T * D, 9));

    private NpyCases() {}

    static Stream<BadInputCase> cases() {
        return Stream.of(
                broken("empty file", new byte[0], "empty file, not an .npy array"),
                broken("wrong magic", "PK\3\4 this is a zip".getBytes(StandardCharsets.ISO_8859_1), "wrong magic"),
                broken("magic only", Arrays.copyOf(npy("<f4", new long[] {T, D}, DATA), 7), "truncated .npy header"),
                broken("header cut short", Arrays.copyOf(npy("<f4", new long[] {T, D}, DATA), 40),
                        "truncated .npy header"),
                broken("data cut short", Arrays.copyOf(npy("<f4", new long[] {T, D}, DATA), 64 + DATA.length / 2),
                        "truncated"),
                broken("trailing bytes", npy("<f4", new long[] {T, D}, CorpusData.concat(DATA, new byte[12])),
                        "12 bytes more"),
                broken("unsupported version", version(9), "unsupported .npy version 9"),
                broken("implausible header length", headerLength(0x7FFF_FFFF), "implausible .npy header length"),
                broken("complex dtype", npy("<c8", new long[] {T, D}, new byte[T * D * 8]), "unsupported dtype '<c8'"),
                broken("object array", npy("|O", new long[] {T, D}, new byte[T * D * 8]), "object arrays"),
                broken("structured dtype", npyWithDict("{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': ("
                        + T + ",), }", new byte[T * 4]), "structured dtypes"),
                broken("string dtype", npy("<U1", new long[] {T, D}, new byte[T * D * 4]), "not numeric"),
                broken("huge declared shape, never allocated", npy("<f4", new long[] {400_000_000L, D}, DATA),
                        "truncated: shape [400000000, 4]"),
                broken("negative dimension", npyWithDict("{'descr': '<f4', 'fortran_order': False, 'shape': (-4, 4), }",
                        DATA), "malformed .npy shape entry '-4'"),
                broken("dimensions overflowing a long", npy("<f4", new long[] {1L << 62, 4, 4}, DATA), "overflows"),
                broken("dimension beyond a long", npyWithDict("{'descr': '<f4', 'fortran_order': False, 'shape': "
                        + "(99999999999999999999, 4), }", DATA), "malformed .npy shape entry '99999999999999999999'"),
                broken("no shape", npyWithDict("{'descr': '<f4', 'fortran_order': False, }", DATA), "no 'shape'"),
                broken("fortran_order not a bool", npyWithDict("{'descr': '<f4', 'fortran_order': 0, 'shape': (4, 4), }",
                        DATA), "no 'fortran_order'"),
                broken("one-dimensional features", npy("<f4", new long[] {T * D}, DATA), "expected features [T, D]"),
                broken("zero segments", npy("<f4", new long[] {0, D}, new byte[0]), "empty feature array"));
    }

    /** Training video b's features replaced by {@code bytes}. */
    private static BadInputCase broken(String name, byte[] bytes, String cause) {
        return new BadInputCase(READER, name, d -> {
            d.bytes("features/b.npy", bytes);
            return expect(d.train(), "b.npy", cause);
        });
    }

    private static byte[] version(int major) {
        byte[] b = npy("<f4", new long[] {T, D}, DATA);
        b[6] = (byte) major;
        return b;
    }

    /** A version 2.0 header claiming {@code length} bytes of header text. */
    private static byte[] headerLength(int length) {
        ByteBuffer b = ByteBuffer.allocate(12 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(length);
        return b.array();
    }
}
