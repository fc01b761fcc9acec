package dev.gcl.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The docs' settings tables say what {@link Settings} describes: docs/cli.md's table is generated text (on a
 * mismatch this test prints the table to paste between the markers) and docs/algorithm.md's defaults table has a
 * row per setting with the same default.
 */
class SettingsDocsTest {
    static final String BEGIN = "<!-- settings table: generated from dev.gcl.config.Settings (SettingsDocsTest prints it) -->";
    static final String END = "<!-- end of the settings table -->";

    /** docs/cli.md's table: key, type, default, range, help. */
    static String cliTable() {
        StringBuilder t = new StringBuilder("| key | type | default | range | help |\n|---|---|---|---|---|\n");
        for (Setting<?> s : Settings.ALL) {
            t.append("| `").append(s.key()).append("` | ").append(s.type().name()).append(" | ")
                    .append(s.docDefault()).append(" | ").append(s.range().text()).append(" | ").append(s.help())
                    .append(" |\n");
        }
        return t.toString();
    }

    /** docs/algorithm.md's rows: setting, default, source. */
    static String algorithmRows() {
        StringBuilder t = new StringBuilder();
        for (Setting<?> s : Settings.ALL) {
            t.append("| ").append(s.docName()).append(" | ").append(s.docDefault()).append(" | ").append(s.source())
                    .append(" |\n");
        }
        return t.toString();
    }

    private static String read(String doc) throws IOException {
        return Files.readString(dev.gcl.testing.TestData.REPO.resolve("docs").resolve(doc), StandardCharsets.UTF_8);
    }

    @Test
    void cliMdHoldsTheGeneratedTable() throws IOException {
        String doc = read("cli.md");
        int begin = doc.indexOf(BEGIN), end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/cli.md lacks the markers " + BEGIN + " ... " + END);
        String table = doc.substring(begin + BEGIN.length(), end).strip() + "\n";
        assertEquals(cliTable(), table, "paste this between the markers of docs/cli.md:\n" + cliTable());
    }

    @Test
    void algorithmMdStatesTheSameDefaults() throws IOException {
        String doc = read("algorithm.md");
        int section = doc.indexOf("## Every setting and its default");
        assertTrue(section >= 0, "docs/algorithm.md lacks its settings section");
        assertTrue(doc.indexOf(algorithmRows(), section) > 0,
                "docs/algorithm.md's table under 'Every setting and its default' should hold these rows:\n"
                        + algorithmRows());
    }

    @Test
    void aDefaultTheHelpStatesIsTheDefault() {
        Pattern stated = Pattern.compile("\\(default ([^)]*)\\)");
        GclConfig defaults = GclConfig.defaults();
        int checked = 0;
        for (Setting<?> s : Settings.ALL) {
            Matcher m = stated.matcher(s.help());
            if (!m.find()) continue;
            Object value;
            try {
                value = s.parse(m.group(1));
            } catch (IllegalArgumentException e) {
                continue;  // prose, such as "gcl-pt for videos, gcl-b for rows without a time axis"
            }
            assertEquals(s.format(defaults.get(s)), s.format(value), s.key() + "'s help: " + s.help());
            checked++;
        }
        assertTrue(checked >= 15, "most helps state a default that parses: " + checked);
    }

    @Test
    void everyKeyIsAlsoAnOptionWithHelp() {
        for (Setting<?> s : Settings.ALL) {
            assertNotNull(s.help(), s.key());
            assertTrue(s.type().isFlag() || s.paramLabel() != null, s.key() + " needs a parameter label");
            assertFalse(s.help().contains("|") || s.range().text().contains("|"), s.key() + ": a | breaks the table");
        }
    }
}
