package dev.gcl.backend;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The branch-free ReLU helpers give the reference's numbers, bit for bit, for every kind of float. */
class ActivationTest {
    private static final float[] SPECIAL = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xff800001),
        Float.intBitsToFloat(0xffc00000), Math.nextDown(Float.POSITIVE_INFINITY)};

    private static void check(float v) {
        int expected = Float.floatToRawIntBits((float) Activation.RELU.apply(v));
        assertEquals(expected, Float.floatToRawIntBits(Activation.relu(v)), () -> "relu(" + v + ")");
        assertEquals(Activation.RELU.derivativeFromOutput(v), Activation.reluStep(v), () -> "step(" + v + ")");
    }

    @Test
    void specialValues() {
        for (float v : SPECIAL) check(v);
    }

    /** Every 65,521st bit pattern (a prime stride: all exponents, both signs, NaN payloads): 65,551 floats. */
    @Test
    void aSweepOfAllBitPatterns() {
        for (long bits = Integer.MIN_VALUE; bits <= Integer.MAX_VALUE; bits += 65_521) {
            check(Float.intBitsToFloat((int) bits));
        }
    }

    /** The float sum the fast backends use is the double sum the reference rounds (double rounding is innocuous). */
    @Test
    void theFloatSumOfAReluInputEqualsTheReferenceDoubleSum() {
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 1_000_000; i++) {
            float y = Float.intBitsToFloat(r.nextInt()), b = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(80) - 40));
            int expected = Float.floatToRawIntBits((float) Activation.RELU.apply((double) y + b));
            assertEquals(expected, Float.floatToRawIntBits(Activation.relu(y + b)), () -> y + " + " + b);
        }
    }
}
