package dev.gcl.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gcl.data.Dataset;
import dev.gcl.data.DatasetLoader;
import dev.gcl.io.DataFormatException;
import dev.gcl.io.NpyWriter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dataset descriptions (YAML and JSON) through {@link DatasetLoader#load}: parsing into DatasetSpec and every check
 * after it. The description lies beside a small valid dataset (features/{a,b,t0,t1}.npy [4, 4] and .txt, lists,
 * UCF-Crime and XD-Violence annotations, ShanghaiTech masks, frame-count tables) so that fuzzed keys can reach the
 * readers behind them. The loader documents {@link DataFormatException} as its only failure for bad input.
 */
class DescriptionFuzzTest {
    private static final FuzzFiles FILES = dataset();

    @FuzzTest(maxDuration = "2m")
    void yaml(byte[] bytes) {
        load(FILES.write("dataset.yaml", bytes));
    }

    @FuzzTest(maxDuration = "2m")
    void json(byte[] bytes) {
        load(FILES.write("dataset.json", bytes));
    }

    private static void load(Path description) {
        try {
            Dataset ds = DatasetLoader.load(description);
            assertTrue(ds.train().rows() > 0, "a loaded dataset has training rows");
            assertTrue(ds.segmentFrames() >= 1, "segments have frames");
        } catch (DataFormatException expected) {
            // refused, naming the file
        }
    }

    private static FuzzFiles dataset() {
        FuzzFiles f = new FuzzFiles("description");
        String[] videos = {"a", "b", "t0", "t1"};
        for (int v = 0; v < videos.length; v++) {
            StringBuilder text = new StringBuilder();
            for (int t = 0; t < 4; t++) text.append(0.1f * v).append(" 0.2 ").append(0.3f * t).append(" 0.4\n");
            f.write("features/" + videos[v] + ".txt", ascii(text.toString()));   // creates features/
            try (NpyWriter w = new NpyWriter(f.dir().resolve("features/" + videos[v] + ".npy"), 4, 4)) {
                for (int t = 0; t < 4; t++) w.writeRow(new float[] {0.1f * v, 0.2f, 0.3f * t, 0.4f}, 0);
            }
        }
        f.write("train.txt", ascii("a\nb\n"));
        f.write("test.txt", ascii("t0\nt1\n"));
        f.write("labels.txt", ascii("a 0\nb 1\n"));
        f.write("ucf.txt", ascii("t0 Normal -1 -1 -1 -1 64\nt1 Fight 5 20 -1 -1 64\n"));
        f.write("xd.txt", ascii("t1 4 12\n"));
        f.write("counts.txt", ascii("t0 64\nt1 64\n"));
        f.write("counts.csv", ascii("video_path,frame_count\nt0.mp4,64\nt1.mp4,64\n"));
        f.write("sh.csv", ascii("video_id,frame_count\n0_1_1,64\n1_1_14,64\n"));
        byte[] mask = new byte[64];
        mask[10] = 1;
        byte[] header = NpyWriter.header("|u1", false, new long[] {64});
        byte[] npy = new byte[header.length + mask.length];
        System.arraycopy(header, 0, npy, 0, header.length);
        System.arraycopy(mask, 0, npy, header.length, mask.length);
        f.write("masks/t1.npy", npy);
        return f;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
