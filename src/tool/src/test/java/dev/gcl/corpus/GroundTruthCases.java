package dev.gcl.corpus;

import java.util.stream.Stream;

import static dev.gcl.corpus.BadInputCase.expect;
import static dev.gcl.corpus.CorpusData.npy;

/**
 * Ground truth (UcfCrimeAnnotations, XdViolenceAnnotations, ShanghaiTechMasks, FrameCountTable, and the checks
 * that tie them to the features), via eval with a trained model. Each video has T·S = 16 frames.
 */
final class GroundTruthCases {
    private static final String VALID_UCF = "t0 Normal -1 -1 -1 -1 16\n";

    private GroundTruthCases() {}

    static Stream<BadInputCase> ucfCrime() {
        String r = "UCF-Crime annotation";
        return Stream.of(
                ucf(r, "five columns", "t1 Fighting 5 12 -1\n", "ucf.txt", "line 2: expected 6 or 7 columns"),
                ucf(r, "frame not an integer", "t1 Fighting 5 1x -1 -1 16\n", "ucf.txt", "line 2: '1x' is not an integer"),
                ucf(r, "interval beyond the video", "t1 Fighting 5 30 -1 -1 16\n", "ucf.txt",
                        "interval 5..30 (1-based, end inclusive) lies outside the video's 16 frames"),
                ucf(r, "one end -1", "t1 Fighting 5 -1 -1 -1 16\n", "ucf.txt", "has one end -1 and the other not"),
                ucf(r, "frame count 0", "t1 Fighting 5 12 -1 -1 0\n", "ucf.txt", "line 2: frame count 0"),
                ucf(r, "frame count beyond an int", "t1 Fighting 5 12 -1 -1 4294967312\n", "ucf.txt",
                        "frame count 4294967312"),
                ucf(r, "test video not annotated", "", "ucf.txt", "no annotation for test video t1"),
                new BadInputCase(r, "no frame count anywhere", d -> {
                    d.useUcfCrime("t0 Normal -1 -1 -1 -1\nt1 Fighting 5 12 -1 -1\n");
                    return expect(d.evalWithModel(), "dataset.yaml", "no frame count for t0");
                }));
    }

    private static BadInputCase ucf(String reader, String name, String t1Line, String file, String cause) {
        return new BadInputCase(reader, name, d -> {
            d.useUcfCrime(VALID_UCF + t1Line);
            return expect(d.evalWithModel(), file, cause);
        });
    }

    static Stream<BadInputCase> xdViolence() {
        String r = "XD-Violence annotation";
        return Stream.of(
                xd(r, "start without an end", "t1 4 12 20\n", "line 1: expected a name and start/end pairs"),
                xd(r, "name only", "t1\n", "line 1: expected a name and start/end pairs"),
                xd(r, "reversed interval", "t1 12 4\n", "line 1: bad interval 12..4"),
                xd(r, "not a number", "t1 4 twelve\n", "line 1: 'twelve' is not an integer"),
                new BadInputCase(r, "not UTF-8", d -> {
                    d.bytes("xd.txt", new byte[] {'t', '1', ' ', '4', ' ', '1', '2', (byte) 0xC3, (byte) 0x28, '\n'});
                    return expect(d.evalWithModel(), "xd.txt", "not UTF-8 text");
                }),
                xd(r, "interval beyond the video", "t1 4 40\n",
                        "interval 4..40 (0-based, end exclusive) lies outside the video's 16 frames"));
    }

    private static BadInputCase xd(String reader, String name, String content, String cause) {
        return new BadInputCase(reader, name, d -> {
            d.text("xd.txt", content);
            return expect(d.evalWithModel(), "xd.txt", cause);
        });
    }

    static Stream<BadInputCase> frameCounts() {
        String r = "frame count table";
        String table = "{format: xd-violence, file: xd.txt, frame_counts: {file: counts.csv, layout: %s}}";
        return Stream.of(
                new BadInputCase(r, "fewer frames than the segments cover", d -> {
                    d.text("counts.csv", "t0 16\nt1 12\n");
                    d.describe(table.formatted("simple"));
                    return expect(d.evalWithModel(), "t1.npy", "video t1 has 12 frames, fewer than its 4 segments");
                }),
                new BadInputCase(r, "header without frame_count", d -> {
                    d.text("counts.csv", "video_path,frames\nt0.mp4,16\nt1.mp4,16\n");
                    d.describe(table.formatted("ucf-crime"));
                    return expect(d.evalWithModel(), "counts.csv", "header needs columns video_path and frame_count");
                }),
                new BadInputCase(r, "count not a number", d -> {
                    d.text("counts.csv", "video_path,frame_count\nt0.mp4,16\nt1.mp4,many\n");
                    d.describe(table.formatted("ucf-crime"));
                    return expect(d.evalWithModel(), "counts.csv", "line 3: 'many' is not a frame count");
                }),
                new BadInputCase(r, "video missing from the table", d -> {
                    d.text("counts.csv", "t1 16\n");
                    d.describe(table.formatted("simple"));
                    return expect(d.evalWithModel(), "counts.csv", "no frame count for video t0");
                }),
                new BadInputCase(r, "video listed twice with two counts", d -> {
                    d.text("counts.csv", "t0 16\nt1 16\nt0 17\n");
                    d.describe(table.formatted("simple"));
                    return expect(d.evalWithModel(), "counts.csv", "video t0 listed twice, with 16 and 17 frames");
                }),
                new BadInputCase(r, "ShanghaiTech video_id not label_scene_number", d -> {
                    d.text("counts.csv", "video_id,frame_count\n0_1_1,16\n1_one_14,16\n");
                    d.describe(table.formatted("shanghaitech"));
                    return expect(d.evalWithModel(), "counts.csv", "video_id '1_one_14' is not label_scene_number");
                }));
    }

    static Stream<BadInputCase> shanghaiTech() {
        String r = "ShanghaiTech mask";
        return Stream.of(
                mask(r, "wrong length", npy("|u1", new long[] {20}, new byte[20]),
                        "video t1: mask has 20 frames"),
                mask(r, "values other than 0/1", npy("|u1", new long[] {16}, ones(16, (byte) 2)),
                        "frame 0 is 2.0, expected 0 or 1"),
                mask(r, "two-dimensional", npy("|u1", new long[] {4, 4}, new byte[16]), "expected a 1-D mask"),
                mask(r, "not an .npy", "0 0 0 1 1 1".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        "wrong magic"));
    }

    private static BadInputCase mask(String reader, String name, byte[] mask, String cause) {
        return new BadInputCase(reader, name, d -> {
            d.useShanghaiTech(mask, "t0 16\nt1 16\n");
            return expect(d.evalWithModel(), "t1.npy", cause);
        });
    }

    private static byte[] ones(int n, byte value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, value);
        return b;
    }
}
