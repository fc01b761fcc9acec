package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.verify.OpParity;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One forward and backward pass through a dense layer on a CUDA backend, for the GEMM kernel-family tests. */
final class GemmRuns {
    private GemmRuns() {}

    /**
     * Where buffers start. The stand-in places each allocation so that it ends at a page boundary, so a buffer of a
     * multiple of 4 floats starts 16-byte aligned and any other does not (on a GPU every allocation is 256-byte
     * aligned).
     */
    enum Placement {
        /** Each buffer exactly its size: aligned or not as the shape makes it. */
        AS_SIZED,
        /** Padded to a multiple of 4 floats: 16-byte aligned. */
        ALIGNED,
        /** Padded to anything but a multiple of 4 floats: not 16-byte aligned. */
        MISALIGNED
    }

    static void assertBitEqual(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(Float.floatToRawIntBits(expected[k]), Float.floatToRawIntBits(actual[k]),
                    what + ", element " + k + ": " + expected[k] + " vs " + actual[k]);
        }
    }

    private static DeviceFloats alloc(CudaBackend g, int n, Placement placement) {
        int pad = switch (placement) {
            case AS_SIZED -> 0;
            case ALIGNED -> (4 - n % 4) % 4;
            case MISALIGNED -> n % 4 == 0 ? 1 : 0;
        };
        return g.allocFloats(n + pad);
    }

    /**
     * out = relu(x·wᵀ + b), then dIn and dW for a random dOut, at s = (rows, in, out), with data drawn from seed:
     * {out, dIn, dW}. Outputs start as NaN, so an element a kernel skips shows.
     */
    static float[][] forwardAndBackward(CudaBackend g, int[] s, Placement placement, int seed) {
        int rows = s[0], in = s[1], out = s[2];
        float[] x = OpParity.normal(rows * in, 1, seed, 0), w = OpParity.normal(out * in, 0.1, seed, 1);
        float[] b = OpParity.normal(out, 0.5, seed, 2), dy = OpParity.normal(rows * out, 1, seed, 3);
        DeviceFloats dx = alloc(g, x.length, placement), dw = alloc(g, w.length, placement);
        DeviceFloats db = alloc(g, out, placement), y = alloc(g, rows * out, placement);
        DeviceFloats ddy = alloc(g, dy.length, placement), dIn = alloc(g, x.length, placement);
        DeviceFloats dW = alloc(g, w.length, placement), dB = alloc(g, out, placement);
        g.upload(x, 0, dx, 0, x.length);
        g.upload(w, 0, dw, 0, w.length);
        g.upload(b, 0, db, 0, out);
        g.upload(dy, 0, ddy, 0, dy.length);
        for (DeviceFloats d : new DeviceFloats[] {y, dIn, dW, dB}) g.fill(d, Float.NaN);
        g.denseForward(dx, dw, db, y, rows, in, out, Activation.RELU);
        g.denseBackward(dx, dw, y, ddy, dIn, dW, dB, rows, in, out, Activation.RELU);
        float[][] r = {new float[rows * out], new float[x.length], new float[w.length]};
        g.download(y, 0, r[0], 0, r[0].length);
        g.download(dIn, 0, r[1], 0, r[1].length);
        g.download(dW, 0, r[2], 0, r[2].length);
        for (DeviceFloats d : new DeviceFloats[] {dx, dw, db, y, ddy, dIn, dW, dB}) g.free(d);
        return r;
    }

    /**
     * What {@link #forwardAndBackward} computes, in the FP32 kernels' order: every product element summed as
     * acc = fma(a_k, b_k, acc) for ascending k from +0 in float, the epilogue relu((double)acc + b) and
     * dz = (float)((double)dOut · relu'(out)) in double, rounded once. Any FP32 kernel family equals it bit for bit.
     */
    static float[][] ascendingFmaReference(int[] s, int seed) {
        int rows = s[0], in = s[1], out = s[2];
        float[] x = OpParity.normal(rows * in, 1, seed, 0), w = OpParity.normal(out * in, 0.1, seed, 1);
        float[] b = OpParity.normal(out, 0.5, seed, 2), dy = OpParity.normal(rows * out, 1, seed, 3);
        float[] y = new float[rows * out], dz = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float acc = 0f;
                for (int k = 0; k < in; k++) acc = Math.fma(x[r * in + k], w[o * in + k], acc);
                double z = (double) acc + (double) b[o];
                y[r * out + o] = (float) (z > 0.0 ? z : 0.0);
                dz[r * out + o] = (float) ((double) dy[r * out + o] * (y[r * out + o] > 0f ? 1.0 : 0.0));
            }
        }
        float[] dIn = new float[rows * in], dW = new float[out * in];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < in; i++) {
                float acc = 0f;
                for (int o = 0; o < out; o++) acc = Math.fma(dz[r * out + o], w[o * in + i], acc);
                dIn[r * in + i] = acc;
            }
        }
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                float acc = 0f;
                for (int r = 0; r < rows; r++) acc = Math.fma(dz[r * out + o], x[r * in + i], acc);
                dW[o * in + i] = acc;
            }
        }
        return new float[][] {y, dIn, dW};
    }
}
