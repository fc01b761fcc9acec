package dev.gcl.io;

/** What to do with feature rows holding NaN or infinity. */
public enum NonFinitePolicy {
    /** Fail, reporting how many values are bad and where the first one is (the default). */
    FAIL,
    /** Drop every row holding one and report how many rows went (training features only). */
    DROP_ROWS
}
