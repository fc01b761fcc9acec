package dev.gcl.rng;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class PhiloxTest {

    private static int[] run(long c0, long c1, long c2, long c3, long k0, long k1) {
        int[] out = new int[4];
        Philox4x32.block((int) c0, (int) c1, (int) c2, (int) c3, (int) k0, (int) k1, out);
        return out;
    }

    private static void assertWords(int[] out, long... expected) {
        for (int i = 0; i < 4; i++) {
            assertEquals((int) expected[i], out[i], "word " + i + ": got " + Integer.toHexString(out[i]));
        }
    }

    @Test
    void knownAnswerVectorsOfRandom123() {
        assertWords(run(0, 0, 0, 0, 0, 0), 0x6627e8d5L, 0xe169c58dL, 0xbc57ac4cL, 0x9b00dbd8L);
        assertWords(run(0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL, 0xffffffffL),
                0x408f276dL, 0x41c83b0eL, 0xa20bc7c6L, 0x6d5451fdL);
        assertWords(run(0x243f6a88L, 0x85a308d3L, 0x13198a2eL, 0x03707344L, 0xa4093822L, 0x299f31d0L),
                0xd16cfe09L, 0x94fdccebL, 0x5001e420L, 0x24126ea1L);
    }

    @Test
    void uniformIsExactAndStrictlyInsideTheUnitInterval() {
        assertEquals(0x1p-24f, Philox4x32.toUniform(0));
        assertEquals(1f - 0x1p-24f, Philox4x32.toUniform(0xFFFFFFFF));
        assertEquals(0.5f + 0x1p-24f, Philox4x32.toUniform(0x80000000));
        // the low 8 bits are dropped, bit 0 of the 24-bit mantissa forced to 1
        assertEquals(((0x12345678 >>> 8) | 1) * 0x1p-24f, Philox4x32.toUniform(0x12345678));
    }

    @Test
    void streamLayoutPutsBlockIndexPurposeAndStreamIntoTheCounter() {
        long seed = 0x0123456789ABCDEFL;
        RandomStream s = new RandomStream(seed, Purpose.NOISE, 77);
        int[] expected = new int[4];
        long block = 0x1_0000_0005L;
        Philox4x32.block(5, 1, Purpose.NOISE.id(), 77, 0x89ABCDEF, 0x01234567, expected);
        int[] got = new int[4];
        s.block(block, got);
        assertArrayEquals(expected, got);
        assertEquals(expected[2], s.word(block * 4 + 2));
    }

    @Test
    void differentPurposesSeedsAndStreamsGiveDifferentNumbers() {
        float[][] draws = {
                fill(new RandomStream(1, Purpose.INIT, 0)),
                fill(new RandomStream(1, Purpose.SHUFFLE, 0)),
                fill(new RandomStream(1, Purpose.NOISE, 0)),
                fill(new RandomStream(2, Purpose.INIT, 0)),
                fill(new RandomStream(1, Purpose.INIT, 1)),
        };
        for (int i = 0; i < draws.length; i++) {
            for (int j = i + 1; j < draws.length; j++) {
                assertFalse(Arrays.equals(draws[i], draws[j]), "streams " + i + " and " + j + " coincide");
            }
        }
        assertArrayEquals(draws[0], fill(new RandomStream(1, Purpose.INIT, 0)), "a stream is reproducible");
    }

    private static float[] fill(RandomStream s) {
        float[] u = new float[64];
        s.fillUniform(u, 0, u.length, 0);
        return u;
    }

    @Test
    void fillsAgreeWithElementAccessFromAnyStart() {
        RandomStream s = new RandomStream(42, Purpose.TEST, 3);
        float[] u = new float[37];
        s.fillUniform(u, 0, u.length, 5);  // start mid-block
        for (int i = 0; i < u.length; i++) assertEquals(s.uniform(5 + i), u[i]);
        float[] z = new float[29];
        s.fillNormal(z, 0, z.length, 0f, 1f, 3);  // odd start: second half of a Box-Muller pair
        for (int i = 0; i < z.length; i++) assertEquals(s.normal(3 + i), z[i]);
    }

    @Test
    void uniformsAndNormalsHaveTheRightMoments() {
        RandomStream s = new RandomStream(9, Purpose.TEST, 0);
        int n = 200_000;
        float[] u = new float[n], z = new float[n];
        s.fillUniform(u, 0, n, 0);
        s.fillNormal(z, 0, n, 2f, 3f, 0);
        double mu = Arrays.stream(toDouble(u)).average().orElseThrow();
        double mz = Arrays.stream(toDouble(z)).average().orElseThrow();
        double vz = Arrays.stream(toDouble(z)).map(x -> (x - mz) * (x - mz)).sum() / (n - 1);
        assertEquals(0.5, mu, 0.005);
        assertEquals(2.0, mz, 0.03);
        assertEquals(9.0, vz, 0.15);
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    @Test
    void permutationIsAPermutationAndDependsOnTheStream() {
        int[] p = new RandomStream(5, Purpose.SHUFFLE, 0).permutation(1001);
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        assertFalse(Arrays.equals(p, new RandomStream(5, Purpose.SHUFFLE, 1).permutation(1001)));
        assertArrayEquals(p, new RandomStream(5, Purpose.SHUFFLE, 0).permutation(1001));
    }

    @Test
    void nextIntStaysInRangeAndCoversIt() {
        RandomStream s = new RandomStream(11, Purpose.TEST, 0);
        int[] counts = new int[7];
        for (int i = 0; i < 7000; i++) counts[s.nextInt(i, 7)]++;
        for (int c : counts) assertTrue(c > 850 && c < 1150, Arrays.toString(counts));
    }
}
