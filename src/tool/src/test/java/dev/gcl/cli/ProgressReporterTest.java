package dev.gcl.cli;

import dev.gcl.progress.IterationStats;
import dev.gcl.progress.Phase;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.*;

class ProgressReporterTest {
    @Test
    void plainOutputSaysWhenLoadingManyFilesStartsAndEndsWithoutEscapeCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ProgressReporter p = new ProgressReporter(ProgressReporter.Mode.PLAIN,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)) {
            p.start("checking training features", 1610);
            for (int i = 0; i < 1610; i++) p.fileDone();
            p.finish();
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("checking training features: 1610 files\n"), text);
        assertTrue(text.contains("checking training features: 1610 of 1610 files in "), text);
        assertFalse(text.contains("\u001b"), "no escape codes in plain output");
    }

    @Test
    void quietShowsNothingWhileLoading() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ProgressReporter p = new ProgressReporter(ProgressReporter.Mode.QUIET,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)) {
            p.start("loading training features", 3);
            p.fileDone();
            p.finish();
            p.onPhaseStart(Phase.COOPERATIVE, 1, 10);
            p.onIteration(new IterationStats(Phase.COOPERATIVE, 0, 0, 64, 0.5, 0.6, 3, 4));
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theEpochEtaIsTheTimeLeftAtThePaceSoFar() {
        assertEquals("1:30", ProgressReporter.eta(30, 25, 100));   // 30 s for a quarter: 90 s left
        assertEquals("0:00", ProgressReporter.eta(10, 100, 100));
        assertEquals("1:00:00", ProgressReporter.eta(3600, 1, 2));
        assertEquals("0:00", ProgressReporter.eta(0, 0, 100), "nothing done yet: no estimate");
    }
}
