package dev.gcl.nn;

import dev.gcl.backend.Activation;
import dev.gcl.testing.ScorerFixtures;
import dev.gcl.testing.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pure-Java FP32 scorer against the reference arithmetic, with the bound the OpenBLAS scorer is held to
 * (1e-5 + 1e-4·|score|), and its determinism: a row's bits depend on the row alone. D = 1030 exercises the inputs
 * left over after groups of four (1030 = 4·257 + 2) and two output blocks (G's last layer: 1030 > 512); 700 rows are
 * enough work to be split and end in a short chunk.
 */
class JavaFp32ScorerTest {
    private static final int DIM = 1030, ROWS = 700;
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

    private static float[] score(NetworkWeights net, int threads, NetworkScorer.Output output) {
        float[] out = new float[ROWS];
        new JavaFp32Scorer(net, threads).score(X, ROWS, out, output);
        return out;
    }

    @Test
    void theBatchIsLargeEnoughToSplit() {
        assertTrue(ROWS * (DIM * 64L + 64 * 8 + 8) >= JavaFp32Scorer.SPLIT_WORK);
        assertTrue(ROWS % JavaFp32Scorer.CHUNK_ROWS != 0 && DIM % 4 != 0 && DIM > JavaFp32Scorer.OUT_BLOCK);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void scoresStayWithinFp32OfTheReference(int threads) {
        Validate.close("D's output, " + threads + " threads", score(D, threads, NetworkScorer.Output.VALUE),
                referenceValue(), 1e-5, 1e-4);
        Validate.close("G's reconstruction error, " + threads + " threads",
                score(G, threads, NetworkScorer.Output.RECONSTRUCTION_ERROR), referenceReconstructionError(),
                1e-5, 1e-4);
    }

    @Test
    void aRowsScoreDependsOnTheRowAloneNotOnThreadsOrBatch() {
        float[] whole = score(D, 2, NetworkScorer.Output.VALUE);
        for (int threads : new int[] {1, 3, 5}) {
            assertArrayEquals(whole, score(D, threads, NetworkScorer.Output.VALUE), threads + " threads against 2");
        }
        JavaFp32Scorer d = new JavaFp32Scorer(D, 2);
        float[] one = new float[1], part = new float[ROWS];
        for (int r : new int[] {0, 7, 63, 64, 65, ROWS - 1}) {
            d.score(java.util.Arrays.copyOfRange(X, r * DIM, (r + 1) * DIM), 1, one, NetworkScorer.Output.VALUE);
            assertEquals(whole[r], one[0], 0f, "row " + r + " alone against inside the batch");
        }
        int from = 13;  // the batch from row 13: other chunk and row-block boundaries
        d.score(java.util.Arrays.copyOfRange(X, from * DIM, ROWS * DIM), ROWS - from, part, NetworkScorer.Output.VALUE);
        for (int r = from; r < ROWS; r++) assertEquals(whole[r], part[r - from], 0f, "row " + r);
    }

    @Test
    void directBuffersAreReadInPlaceWithTheArraysBits() {
        FloatBuffer x = ByteBuffer.allocateDirect(X.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        x.put(0, X);
        FloatBuffer out = ByteBuffer.allocateDirect(ROWS * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (NetworkWeights net : new NetworkWeights[] {D, G}) {
            NetworkScorer.Output output = net == D ? NetworkScorer.Output.VALUE
                    : NetworkScorer.Output.RECONSTRUCTION_ERROR;
            float[] fromArray = score(net, 2, output);
            new JavaFp32Scorer(net, 2).score(x, DIM, ROWS, out, output);
            float[] fromBuffer = new float[ROWS];
            out.get(0, fromBuffer);
            assertArrayEquals(fromArray, fromBuffer, output.toString());
            assertEquals(0, out.position(), "absolute access: the position stays");
        }
        assertThrows(IllegalArgumentException.class,
                () -> new JavaFp32Scorer(D, 1).score(x, DIM - 1, 1, out, NetworkScorer.Output.VALUE));
    }

    @Test
    void sixteenThreadsAtOnceGetTheSingleThreadedBits() throws Exception {
        JavaFp32Scorer d = new JavaFp32Scorer(D, 2);
        float[] alone = score(D, 2, NetworkScorer.Output.VALUE);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int rows = t % 4 == 0 ? ROWS : t % 2 == 0 ? 40 : 1;  // split batches, small ones, single rows
                results.add(pool.submit(() -> {
                    float[] mine = new float[rows];
                    for (int rep = 0; rep < (rows == ROWS ? 2 : 30); rep++) {
                        d.score(X, rows, mine, NetworkScorer.Output.VALUE);
                    }
                    return mine;
                }));
            }
            for (int t = 0; t < 16; t++) {
                float[] got = results.get(t).get();
                assertArrayEquals(java.util.Arrays.copyOf(alone, got.length), got, "thread " + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theOutputKindMustFitTheNetwork() {
        assertThrows(IllegalArgumentException.class,
                () -> new JavaFp32Scorer(G, 1).score(X, 1, new float[1], NetworkScorer.Output.VALUE));
        assertThrows(IllegalArgumentException.class,
                () -> new JavaFp32Scorer(D, 1).score(X, 1, new float[1], NetworkScorer.Output.RECONSTRUCTION_ERROR));
    }

    @Test
    void theJavaProviderIsRegisteredBelowBlasAndAlwaysAvailable() {
        ScorerProvider java = Scorers.provider("java");
        assertTrue(java.available(), java.reason());
        assertEquals(100, java.priority());
        assertInstanceOf(JavaFp32Scorer.class, java.create(D, 1));
    }
}
