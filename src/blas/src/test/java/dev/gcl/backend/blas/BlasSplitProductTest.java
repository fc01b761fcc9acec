package dev.gcl.backend.blas;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Small batches on several threads: products of up to {@link BlasBackend#SPLIT_ROWS} rows are split between the
 * backend's threads, each part a single-threaded sgemm; every output (forward, dIn, dW, dB) equals the one-thread
 * backend's bit for bit, so a small-batch run gives the same bits on 1, 2 or 3 threads.
 */
class BlasSplitProductTest {
    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static float[][] layer(BlasBackend be, int rows, int in, int out, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        DeviceFloats x = up(be, random(rnd, rows * in)), w = up(be, random(rnd, out * in)),
                b = up(be, random(rnd, out)), y = be.allocFloats(rows * out), dy = up(be, random(rnd, rows * out)),
                dx = be.allocFloats(rows * in), dw = be.allocFloats(out * in), db = be.allocFloats(out);
        be.denseForward(x, w, b, y, rows, in, out, Activation.RELU);
        be.denseBackward(x, w, y, dy, dx, dw, db, rows, in, out, Activation.RELU);
        return new float[][] {down(be, y), down(be, dx), down(be, dw), down(be, db)};
    }

    private static DeviceFloats up(BlasBackend be, float[] a) {
        DeviceFloats d = be.allocFloats(a.length);
        be.upload(a, 0, d, 0, a.length);
        return d;
    }

    private static float[] down(BlasBackend be, DeviceFloats d) {
        float[] a = new float[d.length()];
        be.download(d, 0, a, 0, a.length);
        return a;
    }

    @Test
    void smallBatchProductsGiveTheOneThreadBitsOnMoreThreads() {
        BlasTesting.backendOrSkip(1).close();
        int[][] shapes = {{64, 768, 1024}, {64, 1024, 512}, {64, 512, 256}, {64, 32, 1}, {64, 768, 512},
                {1, 33, 7}, {3, 513, 5}, {200, 100, 300}, {BlasBackend.SPLIT_ROWS, 64, 96}};
        try (BlasBackend one = new BlasBackend(1); BlasBackend two = new BlasBackend(2);
             BlasBackend three = new BlasBackend(3)) {
            for (int[] s : shapes) {
                assertTrue(s[0] <= BlasBackend.SPLIT_ROWS);
                float[][] expected = layer(one, s[0], s[1], s[2], 7);
                for (BlasBackend other : new BlasBackend[] {two, three}) {
                    float[][] got = layer(other, s[0], s[1], s[2], 7);
                    String[] names = {"forward", "dIn", "dW", "dB"};
                    for (int i = 0; i < 4; i++) {
                        assertArrayEquals(expected[i], got[i], names[i] + " of " + s[0] + " x " + s[1] + " -> "
                                + s[2] + " on " + other.threads() + " threads");
                    }
                }
            }
        }
    }
}
