package dev.gcl.corpus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static dev.gcl.corpus.BadInputCase.expect;
import static dev.gcl.corpus.CorpusData.f32;
import static dev.gcl.corpus.CorpusData.f64;
import static dev.gcl.corpus.CorpusData.i64;
import static dev.gcl.corpus.CorpusData.npy;

/** ADBench-style .npz tables (NpzTable), via train --data table.npz; a valid table has X [8, 4] and y [8]. */
final class NpzCases {
    private static final String READER = "npz table";
    private static final int N = 8, DIM = 4;
    private static final byte[] X = npy("<f4", new long[] {N, DIM}, f32(CorpusData.values(N * DIM, 5)));
    private static final byte[] Y = npy("<i8", new long[] {N}, i64(0, 0, 1, 0, 0, 0, 1, 0));

    private NpzCases() {}

    static Stream<BadInputCase> cases() {
        return Stream.of(
                raw("not a zip", "X = [[1, 2], [3, 4]]\n".getBytes(StandardCharsets.US_ASCII), "not a readable .npz"),
                raw("empty file", new byte[0], "not a readable .npz"),
                table("no X", entries("y", Y), "no array 'X' (arrays present: y)"),
                table("no y", entries("X", X), "no array 'y' (arrays present: X)"),
                table("labels not 0/1", entries("X", X, "y", npy("<i8", new long[] {N}, i64(0, 0, 2, 0, 0, 0, 1, 0))),
                        "label 2 is 2, expected 0 or 1"),
                table("labels not integers", entries("X", X, "y", npy("<f8", new long[] {N},
                        f64(0, 0, 0.5, 0, 0, 0, 1, 0))), "element 2 = 0.5 is not an integer"),
                table("fewer labels than rows", entries("X", X, "y", npy("<i8", new long[] {N - 1},
                        i64(0, 0, 1, 0, 0, 0, 1))), "has 7 labels for 8 rows of X"),
                table("one-dimensional X", entries("X", npy("<f4", new long[] {N * DIM},
                        f32(CorpusData.values(N * DIM, 5))), "y", Y), "expected shape [N, D]"),
                table("X of Python objects", entries("X", npy("|O", new long[] {N, DIM}, new byte[N * DIM * 8]), "y", Y),
                        "object arrays"),
                table("X cut short", entries("X", Arrays.copyOf(X, X.length - 10), "y", Y), "truncated"),
                table("X without rows", entries("X", npy("<f4", new long[] {0, DIM}, new byte[0]),
                        "y", npy("<i8", new long[] {0}, new byte[0])), "has no rows or no columns"),
                table("a single row", entries("X", npy("<f4", new long[] {1, DIM}, f32(CorpusData.values(DIM, 6))),
                        "y", npy("<i8", new long[] {1}, i64(1))), "holds 1 training segment; training needs at least 2"),
                table("names of a billion characters each", entries("X", X, "y", Y, "names",
                        npy("<U1000000000", new long[] {1}, new byte[0])), "unsupported dtype '<U1000000000'"),
                table("offsets not ending at the rows", entries("X", X, "y", Y, "offsets",
                        npy("<i8", new long[] {3}, i64(0, 4, 7))), "must start at 0 and end at 8"),
                table("names for another number of videos", entries("X", X, "y", Y, "offsets",
                        npy("<i8", new long[] {3}, i64(0, 4, 8)), "names", npy("<U2", new long[] {1},
                        "v0".getBytes(java.nio.charset.Charset.forName("UTF-32LE")))), "has 1 names for 2 videos"));
    }

    private static BadInputCase raw(String name, byte[] bytes, String cause) {
        return new BadInputCase(READER, name, d -> expect(d.train(d.bytes("table.npz", bytes)), "table.npz", cause));
    }

    private static BadInputCase table(String name, Map<String, byte[]> arrays, String cause) {
        return new BadInputCase(READER, name,
                d -> expect(d.train(CorpusData.zip(d.path("table.npz"), arrays)), "table.npz", cause));
    }

    /** (name, bytes) pairs as zip entries "name.npy". */
    private static Map<String, byte[]> entries(Object... nameBytes) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < nameBytes.length; i += 2) m.put(nameBytes[i] + ".npy", (byte[]) nameBytes[i + 1]);
        return m;
    }
}
