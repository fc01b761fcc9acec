package dev.gcl.corpus;

import dev.gcl.cli.CliTest.Result;
import dev.gcl.cli.Main;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.gcl.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The bad-input corpus: every case breaks a valid dataset, model or score folder in one place and runs the gcl
 * tool on it. The tool must exit 2 with exactly one line on stderr that names the offending file and the cause,
 * without a stack trace, leaving the folder exactly as it was (no output, no hidden staging folder).
 */
class BadInputCorpusTest {
    /** A stack-trace frame, or an exception class name the message did not mean to show. */
    private static final Pattern TRACE = Pattern.compile("\tat |\\b(java|javax|com|dev|org)\\.[\\w.$]+(Exception|Error)\\b"
            + "|\\b\\w+(Exception|Error):");
    /** Every case is refused before any real work: the huge declared shapes in particular must not be allocated. */
    private static final long MAX_MILLIS = 5_000;

    @TempDir
    static Path shared;
    private static Path model;

    @BeforeAll
    static void trainTheModelCasesBreak() throws IOException {
        CorpusData valid = CorpusData.write(shared.resolve("valid"), null);
        Path run = shared.resolve("run");
        Result r = run(CorpusData.concat(new String[] {"train", "--data", valid.description().toString(), "--out",
                run.toString(), "--variant", "gcl-pt"}, CorpusData.FAST));
        assertEquals(Main.OK, r.code(), "the valid corpus dataset trains: " + r.err());
        model = run.resolve("model");
    }

    static Stream<BadInputCase> corpus() {
        return Stream.of(NpyCases.cases(), DatasetCases.featureSets(), DatasetCases.descriptions(),
                GroundTruthCases.ucfCrime(), GroundTruthCases.xdViolence(), GroundTruthCases.frameCounts(),
                GroundTruthCases.shanghaiTech(), NpzCases.cases(), ModelCases.cases()).flatMap(s -> s);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("corpus")
    void refusedInOneLineNamingTheFileWithNothingWritten(BadInputCase c, @TempDir Path tmp) throws IOException {
        CorpusData data = CorpusData.write(tmp.resolve("case"), model);
        BadInputCase.Invocation call = c.setup().prepare(data);
        List<String> before = listing(data.root);

        long start = System.nanoTime();
        Result r = run(call.args());
        long millis = (System.nanoTime() - start) / 1_000_000;

        String err = r.err();
        assertEquals(Main.BAD_INPUT, r.code(), "exit code; stderr: " + err + " stdout: " + r.out());
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1, "exactly one line: " + err);
        String line = err.strip();
        assertFalse(TRACE.matcher(line).find(), "no stack trace or exception class: " + line);
        assertTrue(line.contains(call.file()), "names " + call.file() + ": " + line);
        assertTrue(line.contains(call.cause()), "says '" + call.cause() + "': " + line);
        assertFalse(Files.exists(data.out()), "no output at " + data.out());
        assertEquals(before, listing(data.root), "nothing written or left behind, not even hidden staging folders");
        assertTrue(millis < MAX_MILLIS, "refused fast, not after " + millis + " ms");
    }

    /** Every path under {@code root}, hidden ones included, relative and sorted. */
    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
