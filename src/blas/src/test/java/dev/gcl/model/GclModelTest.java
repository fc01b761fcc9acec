package dev.gcl.model;

import dev.gcl.Gcl;
import dev.gcl.config.ScoreSource;
import dev.gcl.config.Variant;
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
    private static final GclModel MODEL =
            new Gcl(SmallRuns.fastConfig().variant(Variant.GCL_B).build()).withReferenceBackend().fit(DATA);

    @Test
    void exposesConfigSeedAndHistory() {
        assertEquals(7, MODEL.seed());
        assertEquals(Variant.GCL_B, MODEL.variant());
        assertEquals(32, MODEL.dim());
        assertEquals(2, MODEL.history().size());
        assertEquals(ScoreSource.DISCRIMINATOR, MODEL.scoreSource());
        assertThrows(UnsupportedOperationException.class, () -> MODEL.history().clear());
    }

    /** The reference scorer: exact, so chunking and offsets cannot change a bit. */
    private static final GclModel REFERENCE = MODEL.withScorer(ScoringArithmetic.REFERENCE);

    /** Fast scores against the reference's: FP32 products through three layers stay well inside this. */
    private static void assertCloseToReference(float[] reference, float[] fast, String what) {
        dev.gcl.testing.Validate.close(what, fast, dev.gcl.testing.Validate.toDouble(reference), 1e-5, 1e-4);
    }

    @Test
    void referenceScoresDoNotDependOnChunkingOrOffsets() {
        // more rows than one scoring chunk (256), scored whole and row by row
        float[] all = REFERENCE.score(DATA.features(), DATA.rows());
        float[] out = new float[1];
        for (int r : new int[] {0, 255, 256, 257, DATA.rows() - 1}) {
            float[] row = java.util.Arrays.copyOfRange(DATA.features(), r * 32, (r + 1) * 32);
            REFERENCE.score(row, 1, out);
            assertEquals(all[r], out[0], 0f, "row " + r);
        }
    }

    @Test
    void theFastScorerIsTheDefaultAndStaysWithinToleranceOfTheReference() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.gcl.backend.blas.BlasProbe.get().available());
        assertEquals(ScoringArithmetic.FAST, MODEL.scorer());
        assertEquals(ScoringArithmetic.REFERENCE, REFERENCE.scorer());
        for (ScoreSource source : new ScoreSource[] {ScoreSource.DISCRIMINATOR, ScoreSource.RECONSTRUCTION}) {
            float[] ref = new float[DATA.rows()], fast = new float[DATA.rows()];
            REFERENCE.score(source, DATA.features(), DATA.rows(), ref);
            MODEL.score(source, DATA.features(), DATA.rows(), fast);
            assertCloseToReference(ref, fast, source + " batch (more rows than one 512-row product)");
            for (int r : new int[] {0, 511, 512, DATA.rows() - 1}) {
                float[] row = java.util.Arrays.copyOfRange(DATA.features(), r * 32, (r + 1) * 32);
                float[] one = new float[1];
                MODEL.score(source, row, 1, one);
                assertCloseToReference(new float[] {ref[r]}, one, source + " single row " + r + " (sgemv)");
            }
        }
    }

    @Test
    void theJavaScorerStaysWithinToleranceOfTheReferenceAndARowScoresAsInItsBatch() {
        GclModel javaScorer = MODEL.withScorer("java", 2);
        for (ScoreSource source : new ScoreSource[] {ScoreSource.DISCRIMINATOR, ScoreSource.RECONSTRUCTION}) {
            float[] ref = new float[DATA.rows()], fast = new float[DATA.rows()];
            REFERENCE.score(source, DATA.features(), DATA.rows(), ref);
            javaScorer.score(source, DATA.features(), DATA.rows(), fast);
            assertCloseToReference(ref, fast, source + " batch, java scorer");
            for (int r : new int[] {0, 63, 64, DATA.rows() - 1}) {
                float[] row = java.util.Arrays.copyOfRange(DATA.features(), r * 32, (r + 1) * 32);
                float[] one = new float[1];
                javaScorer.score(source, row, 1, one);
                assertEquals(fast[r], one[0], 0f, source + " row " + r + ": the java scorer's bits depend on the row alone");
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"blas", "java"})
    void afterItsFirstCallAThreadScoresWithoutAllocating(String scorer) {
        if (scorer.equals("blas")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(dev.gcl.backend.blas.BlasProbe.get().available());
        }
        GclModel model = MODEL.withScorer(scorer, 2);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        float[] row = java.util.Arrays.copyOf(DATA.features(), 32);
        // a batch that stays on the calling thread (larger ones are split over a few tasks)
        int rows = 256;
        long macsPerRow = 0;
        int[] dims = MODEL.discriminator().dims();
        for (int l = 0; l + 1 < dims.length; l++) macsPerRow += (long) dims[l] * dims[l + 1];
        assertTrue(rows * macsPerRow < Math.min(dev.gcl.backend.blas.BlasInference.SPLIT_WORK,
                dev.gcl.nn.JavaFp32Scorer.SPLIT_WORK));
        float[] out = new float[rows];
        model.score(row);
        model.score(DATA.features(), rows, out);  // warm-up: the thread's scratch is made here
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < 100; k++) {
            model.score(row);
            model.score(DATA.features(), rows, out);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, scorer + ": 200 scoring calls allocated " + allocated + " bytes");
    }

    /** Thread shift's scores of every row: the tail from row (shift·97) mod rows first, then the head. */
    private static float[] scoreInTwoParts(GclModel model, int shift) {
        float[] mine = new float[DATA.rows()];
        int first = (shift * 97) % DATA.rows();
        int n = DATA.rows() - first;
        float[] tail = new float[n];
        model.score(java.util.Arrays.copyOfRange(DATA.features(), first * 32, DATA.rows() * 32), n, tail);
        System.arraycopy(tail, 0, mine, first, n);
        float[] head = model.score(DATA.features(), first);
        System.arraycopy(head, 0, mine, 0, first);
        return mine;
    }

    /** Every scorer: the reference, OpenBLAS's and the core's pure-Java FP32 one. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"reference", "blas", "java"})
    void sixteenThreadsScoringAtOnceGetTheSingleThreadedResults(String scorer) throws Exception {
        if (scorer.equals("blas")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(dev.gcl.backend.blas.BlasProbe.get().available());
        }
        GclModel model = MODEL.withScorer(scorer, Runtime.getRuntime().availableProcessors());
        assertEquals(scorer, model.scorerName());
        float[] reference = REFERENCE.score(DATA.features(), DATA.rows());
        float[][] expected = new float[16][];
        for (int t = 0; t < 16; t++) expected[t] = scoreInTwoParts(model, t);  // the same calls, one thread
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int shift = t;
                results.add(pool.submit(() -> {
                    float[] mine = null;
                    // different threads score different row ranges first, to interleave chunk work
                    for (int rep = 0; rep < 5; rep++) mine = scoreInTwoParts(model, shift);
                    return mine;
                }));
            }
            for (int t = 0; t < 16; t++) {
                float[] got = results.get(t).get();
                assertArrayEquals(expected[t], got, "thread " + t + " against the same calls on one thread");
                if (scorer.equals("reference")) assertArrayEquals(reference, got);
                else assertCloseToReference(reference, got, "thread " + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** warmUp loads and builds what the first call would; buffers score as arrays do, direct ones read in place. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"reference", "blas", "java"})
    void warmUpThenBuffersScoreAsArrays(String scorer) {
        if (scorer.equals("blas")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(dev.gcl.backend.blas.BlasProbe.get().available());
        }
        GclModel model = MODEL.withScorer(scorer, 2);
        assertSame(model, model.warmUp());
        int rows = DATA.rows();
        java.nio.FloatBuffer x = java.nio.ByteBuffer.allocateDirect(rows * 32 * 4)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        x.put(0, DATA.features(), 0, rows * 32);
        java.nio.FloatBuffer out = java.nio.FloatBuffer.allocate(rows);
        for (ScoreSource source : new ScoreSource[] {ScoreSource.DISCRIMINATOR, ScoreSource.RECONSTRUCTION}) {
            float[] expected = new float[rows], got = new float[rows];
            model.score(source, DATA.features(), rows, expected);
            model.score(source, x, rows, out);
            out.get(0, got);
            assertArrayEquals(expected, got, scorer + " by " + source);
        }
        assertThrows(IllegalArgumentException.class, () -> model.score(x.limit(31), 1, out));
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
            float[] row = java.util.Arrays.copyOfRange(DATA.features(), r * 32, (r + 1) * 32);
            assertEquals(REFERENCE.score(DATA.features(), DATA.rows())[r], REFERENCE.score(row), 0f);
            assertEquals(all[r], MODEL.score(row), 1e-5 + 1e-4 * Math.abs(all[r]), "fast single row (sgemv) vs batch");
        }
        assertThrows(IllegalArgumentException.class, () -> MODEL.score(new float[31]));
        dev.gcl.model.ModelFiles.save(MODEL, new dev.gcl.model.ModelFiles.Metadata("t", "now", "fp", java.util.Map.of()),
                dir.resolve("m"), false);
        assertArrayEquals(all, GclModel.load(dir.resolve("m")).score(DATA.features(), DATA.rows()));
    }
}
