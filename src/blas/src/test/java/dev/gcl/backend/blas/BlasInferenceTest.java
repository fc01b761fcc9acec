package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.testing.ScorerFixtures;
import dev.gcl.testing.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The fast scorer's batches: chunks of {@code chunkRows} rows handed out to threads. 2,500 rows of 2,048 features make
 * two 1,024-row chunks and a short last one, and enough work to be split.
 */
class BlasInferenceTest {
    private static final int DIM = 2048, ROWS = 2500;
    private static final NetworkWeights D = NetworkWeights.initialise(new int[] {DIM, 64, 8, 1}, Activation.SIGMOID,
            11, 0);
    private static final NetworkWeights G = NetworkWeights.initialise(new int[] {DIM, 48, DIM}, Activation.IDENTITY,
            12, 0);
    private static final float[] X = randomRows(ROWS, DIM, 5);

    private static float[] randomRows(int rows, int dim, long seed) {
        return ScorerFixtures.randomRows(rows, dim, seed);
    }

    private static double[] referenceValue() {
        return ScorerFixtures.referenceValue(D, X, ROWS);
    }

    private static double[] referenceReconstructionError() {
        return ScorerFixtures.referenceReconstructionError(G, X, ROWS);
    }

    private static BlasInference inferenceOrSkip(NetworkWeights net, int threads) {
        BlasProbe probe = BlasProbe.get();
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.available(), probe.reason());
        return new BlasInference(net, threads);
    }

    @Test
    void theBatchIsLargeEnoughToSplitAndSpansSeveralChunks() {
        BlasInference d = inferenceOrSkip(D, 2);
        assertEquals(1024, d.chunkRows());
        assertTrue(ROWS * (DIM * 64L + 64 * 8 + 8) >= BlasInference.SPLIT_WORK);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void splitBatchesStayWithinFp32OfTheReference(int threads) {
        float[] out = new float[ROWS];
        inferenceOrSkip(D, threads).score(X, ROWS, out, BlasInference.Output.VALUE);
        Validate.close("D's output, " + threads + " threads", out, referenceValue(), 1e-5, 1e-4);
        inferenceOrSkip(G, threads).score(X, ROWS, out, BlasInference.Output.RECONSTRUCTION_ERROR);
        Validate.close("G's reconstruction error, " + threads + " threads", out, referenceReconstructionError(),
                1e-5, 1e-4);
    }

    @Test
    void theSameCallIsBitIdenticalAtAnyThreadCount() {
        float[] first = new float[ROWS], again = new float[ROWS];
        BlasInference d = inferenceOrSkip(D, 2);
        d.score(X, ROWS, first, BlasInference.Output.VALUE);
        d.score(X, ROWS, again, BlasInference.Output.VALUE);
        assertArrayEquals(first, again);
        for (int threads : new int[] {1, 3, 5}) {
            float[] other = new float[ROWS];
            inferenceOrSkip(D, threads).score(X, ROWS, other, BlasInference.Output.VALUE);
            assertArrayEquals(first, other, threads + " threads against 2");
        }
    }

    private static List<Integer> chunks(BlasInference net, int rows) {
        List<Integer> sizes = new ArrayList<>();
        for (int first = 0; first < rows; first += sizes.get(sizes.size() - 1)) sizes.add(net.chunkAt(rows, first));
        return sizes;
    }

    @Test
    void chunksCoverTheBatchWithSmallerOnesAtItsEnd() {
        BlasInference d = inferenceOrSkip(D, 2);
        assertEquals(List.of(1024, 1024, 1024, 1024, 1024, 1024, 256, 256, 256, 256, 256, 256, 256, 256),
                chunks(d, 8192));
        assertEquals(List.of(32, 32), chunks(d, 64), "a small batch still makes two chunks");
        assertEquals(List.of(1024, 1024, 1024, 241, 241, 241, 241, 241, 241, 241, 241), chunks(d, 5000));
        for (BlasInference net : new BlasInference[] {d, new BlasInference(D, 2, 7)}) {
            for (int rows = 1; rows <= 3000; rows++) {
                List<Integer> sizes = chunks(net, rows);
                assertEquals(rows, sizes.stream().mapToInt(Integer::intValue).sum(), rows + " rows");
                for (int size : sizes) assertTrue(size >= 1 && size <= net.chunkRows(), rows + " rows: " + sizes);
            }
        }
    }

    /** Tiny chunks: many more chunks than threads, a short last one, every thread busy. */
    @Test
    void smallChunksGiveTheSameScoresAsOneThreadWithThem() {
        float[] one = new float[ROWS], three = new float[ROWS];
        inferenceOrSkip(D, 1);
        new BlasInference(D, 1, 7).score(X, ROWS, one, BlasInference.Output.VALUE);
        new BlasInference(D, 3, 7).score(X, ROWS, three, BlasInference.Output.VALUE);
        assertArrayEquals(one, three);
        Validate.close("D's output in 7-row chunks", three, referenceValue(), 1e-5, 1e-4);
    }

    /** Single rows, small batches and split batches from eight threads at once, all in shared sections. */
    @Test
    void concurrentCallersGetWhatTheyGetAlone() throws Exception {
        BlasInference d = inferenceOrSkip(D, 2);
        float[] batch = new float[ROWS], small = new float[40], one = new float[1];
        d.score(X, ROWS, batch, BlasInference.Output.VALUE);
        d.score(X, 40, small, BlasInference.Output.VALUE);
        d.score(X, 1, one, BlasInference.Output.VALUE);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int rows = t % 4 == 0 ? ROWS : t % 2 == 0 ? 40 : 1;
                results.add(pool.submit(() -> {
                    float[] mine = new float[rows];
                    for (int rep = 0; rep < (rows == ROWS ? 3 : 200); rep++) {
                        d.score(X, rows, mine, BlasInference.Output.VALUE);
                    }
                    return mine;
                }));
            }
            for (int t = 0; t < 8; t++) {
                float[] got = results.get(t).get();
                float[] alone = got.length == ROWS ? batch : got.length == 40 ? small : one;
                assertArrayEquals(alone, got, "thread " + t + " (" + got.length + " rows)");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Issue 28: a split batch takes no exclusive section, so it runs while another call is inside its own (as a
     * single row in flight on a service thread is). Before, it waited for every other call to end, and every call
     * after it waited for the whole batch.
     */
    @Test
    void aSplitBatchRunsWhileAnotherCallIsInItsSection() throws Exception {
        BlasInference d = inferenceOrSkip(D, 2);
        float[] alone = new float[ROWS], beside = new float[ROWS];
        d.score(X, ROWS, alone, BlasInference.Output.VALUE);
        ExecutorService other = Executors.newSingleThreadExecutor();
        Blas.enterSingleThreaded();
        try {
            Future<?> batch = other.submit(() -> d.score(X, ROWS, beside, BlasInference.Output.VALUE));
            batch.get(60, java.util.concurrent.TimeUnit.SECONDS);  // an exclusive section would wait here for ever
        } finally {
            Blas.exitSingleThreaded();
            other.shutdownNow();
        }
        assertArrayEquals(alone, beside);
    }

    /** A direct buffer is the first product's input in place (at each chunk's offset): the array's bits. */
    @Test
    void directBuffersGiveTheArraysBits() {
        java.nio.FloatBuffer x = java.nio.ByteBuffer.allocateDirect(X.length * 4)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        x.put(0, X);
        java.nio.FloatBuffer heap = java.nio.FloatBuffer.wrap(X.clone());
        java.nio.FloatBuffer out = java.nio.ByteBuffer.allocateDirect(ROWS * 4)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        for (int threads : new int[] {1, 2}) {
            for (NetworkWeights net : new NetworkWeights[] {D, G}) {
                BlasInference.Output output = net == D ? BlasInference.Output.VALUE
                        : BlasInference.Output.RECONSTRUCTION_ERROR;
                BlasInference scorer = inferenceOrSkip(net, threads);
                float[] fromArray = new float[ROWS];
                scorer.score(X, ROWS, fromArray, output);
                for (java.nio.FloatBuffer in : new java.nio.FloatBuffer[] {x, heap}) {
                    scorer.score(in, DIM, ROWS, out, output);
                    float[] got = new float[ROWS];
                    out.get(0, got);
                    assertArrayEquals(fromArray, got, output + ", " + threads + " threads, direct " + in.isDirect());
                }
            }
        }
        assertEquals(0, out.position());
    }

    @Test
    void theOutputKindMustFitTheNetwork() {
        BlasInference g = inferenceOrSkip(G, 1);
        assertThrows(IllegalArgumentException.class, () -> g.score(X, 1, new float[1], BlasInference.Output.VALUE));
        BlasInference d = inferenceOrSkip(D, 1);
        assertThrows(IllegalArgumentException.class,
                () -> d.score(X, 1, new float[1], BlasInference.Output.RECONSTRUCTION_ERROR));
    }
}
