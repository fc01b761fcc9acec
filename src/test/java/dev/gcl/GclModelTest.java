package dev.gcl;

import dev.gcl.data.TrainingData;
import dev.gcl.testing.SmallRuns;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

class GclModelTest {
    private static final TrainingData DATA = SmallRuns.tinyVideos(4).data();
    private static final GclModel MODEL = new Gcl(SmallRuns.fastConfig().variant(Variant.GCL_B).build()).fit(DATA);

    @Test
    void exposesConfigSeedAndHistory() {
        assertEquals(7, MODEL.seed());
        assertEquals(Variant.GCL_B, MODEL.variant());
        assertEquals(32, MODEL.dim());
        assertEquals(2, MODEL.history().size());
        assertEquals(ScoreSource.DISCRIMINATOR, MODEL.scoreSource());
        assertThrows(UnsupportedOperationException.class, () -> MODEL.history().clear());
    }

    @Test
    void scoresDoNotDependOnChunkingOrOffsets() {
        // more rows than one scoring chunk (256), scored whole and row by row
        float[] all = MODEL.score(DATA.features(), DATA.rows());
        float[] out = new float[1];
        for (int r : new int[] {0, 255, 256, 257, DATA.rows() - 1}) {
            float[] row = java.util.Arrays.copyOfRange(DATA.features(), r * 32, (r + 1) * 32);
            MODEL.score(row, 1, out);
            assertEquals(all[r], out[0], 0f, "row " + r);
        }
    }

    @Test
    void sixteenThreadsScoringAtOnceGetTheSingleThreadedResults() throws Exception {
        float[] expected = MODEL.score(DATA.features(), DATA.rows());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int shift = t;
                results.add(pool.submit(() -> {
                    float[] mine = new float[DATA.rows()];
                    for (int rep = 0; rep < 5; rep++) {
                        // different threads score different row ranges first, to interleave chunk work
                        int first = (shift * 97) % DATA.rows();
                        int n = DATA.rows() - first;
                        float[] tail = new float[n];
                        MODEL.score(java.util.Arrays.copyOfRange(DATA.features(), first * 32, DATA.rows() * 32), n, tail);
                        System.arraycopy(tail, 0, mine, first, n);
                        float[] head = MODEL.score(DATA.features(), first);
                        System.arraycopy(head, 0, mine, 0, first);
                    }
                    return mine;
                }));
            }
            for (Future<float[]> f : results) assertArrayEquals(expected, f.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shortInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MODEL.score(new float[31], 1));
        assertThrows(IllegalArgumentException.class, () -> MODEL.score(new float[64], 2, new float[1]));
    }

    @Test
    void singleRowScoresEqualBatchScoresAndLoadReadsSavedModels(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        float[] all = MODEL.score(DATA.features(), DATA.rows());
        for (int r : new int[] {0, 17, DATA.rows() - 1}) {
            assertEquals(all[r], MODEL.score(java.util.Arrays.copyOfRange(DATA.features(), r * 32, (r + 1) * 32)), 0f);
        }
        assertThrows(IllegalArgumentException.class, () -> MODEL.score(new float[31]));
        dev.gcl.model.ModelFiles.save(MODEL, new dev.gcl.model.ModelFiles.Metadata("t", "now", "fp", java.util.Map.of()),
                dir.resolve("m"), false);
        assertArrayEquals(all, GclModel.load(dir.resolve("m")).score(DATA.features(), DATA.rows()));
    }
}
