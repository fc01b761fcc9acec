package dev.gcl.train;

/**
 * The numbers one iteration reports, gathered on the device into one buffer and downloaded once: losses, the
 * statistics behind both thresholds, and the share of rows each network labels anomalous. Slots are in the order
 * the steps compute them, so that "everything so far is finite" is a prefix: an RMSprop step is guarded by the
 * slots before it ({@link #BEFORE_D_STEP}, {@link #BEFORE_G_STEP}) and skipped on the device when one is not.
 */
final class IterationScalars {
    static final int G_ERROR_MEAN = 0, G_ERROR_STD = 1, D_LOSS = 2, D_SCORE_MEAN = 3, D_SCORE_STD = 4, G_LOSS = 5,
            G_ANOMALOUS_SHARE = 6, D_ANOMALOUS_SHARE = 7, COUNT = 8;
    /** D's step runs when G's error statistics and D's loss are finite. */
    static final int BEFORE_D_STEP = D_LOSS + 1;
    /** G's step runs when everything before it, its own loss included, is finite. */
    static final int BEFORE_G_STEP = G_LOSS + 1;

    private final float[] values = new float[COUNT];

    /** The host copy the one download of an iteration fills. */
    float[] values() {
        return values;
    }

    float get(int slot) {
        return values[slot];
    }

    boolean finite(int... slots) {
        for (int s : slots) if (!Float.isFinite(values[s])) return false;
        return true;
    }

    /** A label share (the mean of 0/1 labels over rows) as a count: exact, as rows < 2^23. */
    int count(int shareSlot, int rows) {
        return (int) Math.round((double) values[shareSlot] * rows);
    }
}
