package dev.gcl.verify;

import dev.gcl.backend.NlTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ops every candidate backend is held to the reference on, whatever its precision: {@link OpParity}'s checks
 * on odd sizes (and edge sizes), outputs poisoned with NaN before each launch. A candidate's test subclasses this,
 * says how to compare ({@link #parity()}, skipping with its reason where the backend is unavailable) and adds its
 * own dense and random-stream checks.
 */
public abstract class AbstractOpParityTest {
    /** Odd, not multiples of OpenBLAS's register blocks (4, 8, 16) or of the 64×64 GEMM tiles and their k slices. */
    protected static final int ROWS = 301, IN = 173, OUT = 67;

    /** The candidate against the CPU reference, with the candidate's tolerances. */
    protected abstract OpParity parity();

    public static void assertAllPass(List<Comparison> results) {
        assertFalse(results.isEmpty(), "something was compared");
        for (Comparison c : results) assertTrue(c.passed(), c.describe());
    }

    @Test
    void rowMse() {
        assertAllPass(parity().rowMse(ROWS, IN, 22));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 1001, 100_003})
    void meanStd(int n) {
        assertAllPass(parity().meanStd(n, 23));
    }

    @Test
    void thresholdLabelsWithAndWithoutMask() {
        for (double k : new double[] {0.0, 0.1, 1.0}) assertAllPass(parity().thresholdLabels(1001, k, 24));
    }

    @Test
    void minMaxScale() {
        assertAllPass(parity().minMaxScale(4099, 25));
    }

    @ParameterizedTest
    @EnumSource(NlTarget.class)
    void nlTargets(NlTarget mode) {
        assertAllPass(parity().nlTargets(mode, 3001, 37, 26));
    }

    @Test
    void bceLossGrad() {
        assertAllPass(parity().bceLossGrad(4099, 27));
    }

    @Test
    void weightedMseGrad() {
        assertAllPass(parity().weightedMseGrad(ROWS, IN, 28));
    }

    @Test
    void rmspropThreeSteps() {
        assertAllPass(parity().rmsprop(10_007, 29));
    }

    @Test
    void gatherRows() {
        assertAllPass(parity().gatherRows(500, 301, 37, 7, 30));
    }
}
