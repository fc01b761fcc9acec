package dev.gcl.train;

import dev.gcl.config.CleaningRule;
import dev.gcl.data.TrainingData;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TemporalCleaningTest {
    // three videos, D = 2: video 0 has 5 segments, video 1 has 1, video 2 has 3
    private static final float[] X = {
            0, 0, /**/ 3, 4, /**/ 3, 4.5f, /**/ 0, 0.5f, /**/ 0.5f, 0.5f,
            7, 7,
            1, 1, /**/ 1, 1.2f, /**/ 4, 5.2f,
    };
    private static final TrainingData DATA = TrainingData.videos(X, 2, new int[] {0, 5, 6, 9});

    @Test
    void distancesFollowTheDefinition() {
        double[] d = TemporalCleaning.distances(DATA);
        assertEquals(5.0, d[1], 1e-12);
        assertEquals(5.0, d[0], 1e-12, "d_0 = d_1");
        assertEquals(0.5, d[2], 1e-6);
        assertEquals(5.0, d[3], 1e-6);
        assertEquals(0.5, d[4], 1e-6);
        assertTrue(Double.isNaN(d[5]), "a one-segment video has no distance");
        assertEquals(0.2, d[7], 1e-6);
        assertEquals(0.2, d[6], 1e-6);
        assertEquals(5.0, d[8], 1e-6);
    }

    @Test
    void absoluteRuleKeepsExactlyTheSegmentsUnderTheThreshold() {
        TemporalCleaning.Result r = TemporalCleaning.clean(DATA, CleaningRule.ABSOLUTE, 0.70);
        assertArrayEquals(new int[] {2, 4, 5, 6, 7}, r.keptRows());
        assertEquals(5.0 / 9, r.fractionKept(), 1e-12);
        assertEquals(0.70, r.threshold());
        // strictly below: a threshold equal to a distance drops that segment
        assertArrayEquals(new int[] {5, 6, 7}, TemporalCleaning.clean(DATA, CleaningRule.ABSOLUTE, 0.5).keptRows());
    }

    @Test
    void meanStdRuleUsesAllFiniteDistances() {
        double[] d = {5, 5, 0.5, 5, 0.5, 0.2, 0.2, 5};  // the one-segment video contributes nothing
        double mean = 0;
        for (double x : d) mean += x / d.length;
        double ss = 0;
        for (double x : d) ss += (x - mean) * (x - mean);
        double std = Math.sqrt(ss / (d.length - 1));
        TemporalCleaning.Result r0 = TemporalCleaning.clean(DATA, CleaningRule.MEAN_STD, 0.0);
        assertEquals(mean, r0.threshold(), 1e-6);
        assertArrayEquals(new int[] {2, 4, 5, 6, 7}, r0.keptRows());
        TemporalCleaning.Result r1 = TemporalCleaning.clean(DATA, CleaningRule.MEAN_STD, 1.0);
        assertEquals(mean + std, r1.threshold(), 1e-6);
        assertEquals(1.0, r1.fractionKept(), 1e-12, "mean + std = 5.163 keeps every segment");
    }

    @Test
    void quantileRuleInterpolatesLikeNumpy() {
        // sorted finite d: 0.2 0.2 0.5 0.5 5 5 5 5; numpy.quantile(q=0.5) = 0.5 + 0.5·(5 - 0.5)
        TemporalCleaning.Result r = TemporalCleaning.clean(DATA, CleaningRule.QUANTILE, 0.5);
        assertEquals(2.75, r.threshold(), 1e-6);
        assertEquals(0.2, TemporalCleaning.clean(DATA, CleaningRule.QUANTILE, 0.1).threshold(), 1e-6);
        assertArrayEquals(new int[] {2, 4, 5, 6, 7}, r.keptRows());
    }

    @Test
    void flatDataIsRefusedWithAClearMessage() {
        TrainingData flat = TrainingData.flat(new float[] {1, 2, 3, 4}, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TemporalCleaning.clean(flat, CleaningRule.ABSOLUTE, 0.7));
        assertTrue(e.getMessage().contains("time axis"), e.getMessage());
    }
}
