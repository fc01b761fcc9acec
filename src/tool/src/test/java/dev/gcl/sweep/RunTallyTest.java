package dev.gcl.sweep;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunTallyTest {
    @Test
    void countsRunsDoneFailedAndRunning() {
        RunTally t = new RunTally(8, 2);
        t.started();
        t.started();
        t.started();
        assertEquals("2 of 8 done, 3 running", t.line());
        t.finished();
        t.failedOne();
        t.interruptedOne();
        assertEquals("4 of 8 done (1 failed), 0 running", t.line());
        assertEquals(1, t.failed());
        assertEquals(1, t.interrupted());
    }
}
