package dev.gcl.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** Every command answers -h and --help with its usage and options, exit 0, whatever else is on the line. */
class HelpTest {

    /** Every command path of the tool, found from the command tree itself (so a new command cannot be missed). */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        collect(GclCommand.commandLine(System.out, System.err), new ArrayList<>(), all);
        return all.stream();
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> all) {
        if (cl.getCommand() instanceof CommandLine.HelpCommand) return;
        all.add(List.copyOf(path));
        for (var e : cl.getSubcommands().entrySet()) {
            List<String> sub = new ArrayList<>(path);
            sub.add(e.getKey());
            collect(e.getValue(), sub, all);
        }
    }

    @Test
    void everyDocumentedCommandIsInTheTree() {
        List<String> names = commands().map(p -> String.join(" ", p)).toList();
        for (String c : List.of("", "train", "score", "eval", "export", "sweep", "sweep merge", "synth", "info", "verify")) {
            assertTrue(names.contains(c), "missing command '" + c + "' in " + names);
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpAndDashHPrintUsageAndExitZero(List<String> command) {
        for (String flag : List.of("--help", "-h")) {
            CliTest.Result r = CliTest.run(args(command, flag));
            String name = ("gcl " + String.join(" ", command)).strip();
            assertEquals(Main.OK, r.code(), name + " " + flag + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: " + name), name + " " + flag + " printed:\n" + r.out());
            assertTrue(r.out().contains("-h, --help"), "options listed: " + r.out());
            assertEquals("", r.err(), name + " " + flag);
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpWinsOverMissingAndUnknownOptions(List<String> command) {
        // a required option missing, an unknown option, a malformed value: help is still printed, exit 0
        for (String[] extra : List.of(new String[] {"--no-such-option", "--help"}, new String[] {"--help", "--threads", "x"},
                new String[] {"-h", "--epochs"})) {
            List<String> line = new ArrayList<>(command);
            line.addAll(List.of(extra));
            CliTest.Result r = CliTest.run(line.toArray(String[]::new));
            assertEquals(Main.OK, r.code(), line + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: gcl"), line + " printed:\n" + r.out());
        }
    }

    @Test
    void helpWritesNothing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliTest.Result r = CliTest.run("train", "--out", out.toString(), "--help");
        assertEquals(Main.OK, r.code());
        assertFalse(Files.exists(out));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void helpShowsDefaults() {
        String train = CliTest.run("train", "--help").out();
        assertTrue(train.contains("(default 8192)"), train);
        assertTrue(train.contains("(default 2e-5)"), train);
        String synth = CliTest.run("synth", "--help").out();
        assertTrue(synth.contains("(default: demo)"), synth);
    }

    @Test
    void versionOnTheTopCommand() {
        CliTest.Result r = CliTest.run("--version");
        assertEquals(Main.OK, r.code());
        assertTrue(r.out().startsWith("gcl "), r.out());
    }

    private static String[] args(List<String> command, String flag) {
        List<String> a = new ArrayList<>(command);
        a.add(flag);
        return a.toArray(String[]::new);
    }
}
