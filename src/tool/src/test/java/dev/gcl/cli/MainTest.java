package dev.gcl.cli;

import dev.gcl.io.DataFormatException;
import dev.gcl.io.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Exit codes by the type of what a command throws: bad input (a type a person can fix) is exit 2 and one line;
 * anything else, a plain IllegalArgumentException included, is a bug: exit 1, "internal error", and the stack trace
 * only under --debug.
 */
class MainTest {
    /** A command that throws what the test hands it, with the --debug option every gcl command has. */
    @Command(name = "throwing")
    static final class Throwing implements Runnable {
        final Supplier<RuntimeException> failure;

        @Option(names = "--debug")
        boolean debug;

        Throwing(Supplier<RuntimeException> failure) {
            this.failure = failure;
        }

        @Override
        public void run() {
            throw failure.get();
        }
    }

    record Result(int code, String err) {}

    static Result run(Supplier<RuntimeException> failure, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stream = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = Main.execute(new CommandLine(new Throwing(failure)), args, stream);
        return new Result(code, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPlainIllegalArgumentExceptionIsAnInternalErrorWithoutAStackTrace() {
        Result r = run(() -> new IllegalArgumentException("rows must be in [1, 8], got 9\nsecond line"));
        assertEquals(Main.INTERNAL_ERROR, r.code());
        assertEquals("gcl: internal error: rows must be in [1, 8], got 9 (run with --debug for the stack trace)\n",
                r.err());
    }

    @Test
    void debugShowsTheStackTraceOfAnInternalError() {
        Result r = run(() -> new IllegalArgumentException("a bug"), "--debug");
        assertEquals(Main.INTERNAL_ERROR, r.code());
        assertTrue(r.err().startsWith("gcl: internal error: a bug\n"), r.err());
        assertTrue(r.err().contains("java.lang.IllegalArgumentException: a bug"), r.err());
        assertTrue(r.err().contains("\tat dev.gcl.cli.MainTest"), "the frames: " + r.err());
    }

    @Test
    void otherRuntimeExceptionsAreInternalErrorsToo() {
        Result r = run(() -> new IllegalStateException("not started"));
        assertEquals(Main.INTERNAL_ERROR, r.code());
        assertTrue(r.err().startsWith("gcl: internal error: not started"), r.err());
    }

    @Test
    void invalidInputIsExitTwoWithItsLineAlone() {
        Result r = run(() -> new InvalidInputException("seeds: range '9-0' runs backwards"));
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("gcl: seeds: range '9-0' runs backwards\n", r.err());
    }

    @Test
    void debugShowsTheStackTraceOfBadInputToo() {
        Result r = run(() -> new InvalidInputException("variant: unknown variant 'x'"), "--debug");
        assertEquals(Main.BAD_INPUT, r.code());
        assertTrue(r.err().startsWith("gcl: variant: unknown variant 'x'\n"), r.err());
        assertTrue(r.err().contains("\tat dev.gcl.cli.MainTest"), r.err());
    }

    @Test
    void everyBadInputTypeIsExitTwo() {
        assertEquals(Main.BAD_INPUT, run(() -> new BadInputException("--preset must be small")).code());
        assertEquals(Main.BAD_INPUT, run(() -> new DataFormatException("d.npy", "truncated")).code());
        Result missing = run(() -> new java.io.UncheckedIOException(new NoSuchFileException("data.yaml")));
        assertEquals(Main.BAD_INPUT, missing.code());
        assertEquals("gcl: no such file: data.yaml\n", missing.err());
    }

    @Test
    void aTrainingFailureIsExitOneInItsOwnWords() {
        Result r = run(() -> new TrainingFailedException("gcl-pt diverged at iteration 3", null));
        assertEquals(Main.INTERNAL_ERROR, r.code());
        assertEquals("gcl: gcl-pt diverged at iteration 3\n", r.err());
    }

    /** Every gcl command that takes a file, sent to a missing one: --debug is accepted and adds the stack trace. */
    @Test
    void everyCommandTakesDebug(@TempDir Path tmp) {
        String missing = tmp.resolve("missing").toString(), out = tmp.resolve("out").toString();
        List<String[]> commands = List.of(
                new String[] {"train", "--data", missing, "--out", out},
                new String[] {"score", "--model", missing, "--input", missing, "--out", out},
                new String[] {"eval", "--model", missing, "--data", missing},
                new String[] {"sweep", "--data", missing, "--out", out, "--seeds", "0"},
                new String[] {"sweep", "merge", missing, "--out", out},
                new String[] {"info", "--model", missing},
                new String[] {"verify", "--data", missing, "--out", out});
        for (String[] c : commands) {
            List<String> args = new ArrayList<>(List.of(c));
            CliTest.Result plain = CliTest.run(args.toArray(String[]::new));
            args.add("--debug");
            CliTest.Result debug = CliTest.run(args.toArray(String[]::new));
            String name = String.join(" ", c);
            assertEquals(Main.BAD_INPUT, plain.code(), name + ": " + plain.err());
            assertFalse(plain.err().contains("\tat "), name + " without --debug: one line: " + plain.err());
            assertEquals(Main.BAD_INPUT, debug.code(), name + " --debug: " + debug.err());
            assertTrue(debug.err().startsWith(plain.err()), name + " --debug: the same line first: " + debug.err());
            assertTrue(debug.err().contains("\tat "), name + " --debug: the stack trace: " + debug.err());
        }
        CliTest.Result synth = CliTest.run("synth", "--out", tmp.toString(), "--preset", "none", "--debug");
        assertEquals(Main.BAD_INPUT, synth.code(), synth.err());
        assertTrue(synth.err().contains("\tat "), "synth --debug: the stack trace: " + synth.err());
    }
}
