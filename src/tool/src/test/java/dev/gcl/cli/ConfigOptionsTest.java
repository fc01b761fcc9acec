package dev.gcl.cli;

import dev.gcl.config.Setting;
import dev.gcl.config.Settings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The settings' options of train and sweep come from their descriptions and hand their text to ConfigKeys. */
class ConfigOptionsTest {

    private static CommandLine command(String name) {
        return GclCommand.commandLine(System.out, System.err).getSubcommands().get(name);
    }

    @Test
    void trainAndSweepHaveAnOptionPerSettingAsDescribed() {
        for (String name : List.of("train", "sweep")) {
            var spec = command(name).getCommandSpec();
            for (Setting<?> s : Settings.ALL) {
                OptionSpec o = spec.findOption("--" + s.key());
                assertNotNull(o, name + " --" + s.key());
                assertEquals(s.help(), String.join(" ", o.description()), name + " --" + s.key());
                assertEquals(s.type().isFlag() ? 0 : 1, o.arity().max(), name + " --" + s.key());
                if (!s.type().isFlag()) assertEquals(s.paramLabel(), o.paramLabel(), name + " --" + s.key());
            }
        }
    }

    @Test
    void givenSettingsComeInTheSettingsOrderAndTheLastOfARepeatedOptionWins() {
        CommandLine gcl = GclCommand.commandLine(System.out, System.err), train = gcl.getSubcommands().get("train");
        gcl.parseArgs("train", "--lr", "1e-3", "--soft-labels", "--batch", "4", "--batch", "8");
        Map<String, String> given = ConfigOptions.given(((TrainCommand) train.getCommand()).settings);
        assertEquals(List.of("batch", "lr", "soft-labels"), List.copyOf(given.keySet()));
        assertEquals(Map.of("batch", "8", "lr", "1e-3", "soft-labels", "true"), given);
        gcl.parseArgs("train", "--seed", "3");
        assertEquals(Map.of("seed", "3"), ConfigOptions.given(((TrainCommand) train.getCommand()).settings),
                "a second parse starts afresh");
    }

    @Test
    void aSettingOutOfRangeStopsTrainBeforeAnythingRunsWithExitTwo() {
        CliTest.Result r = CliTest.run(new String[] {"train", "--batch", "1"});
        assertEquals(Main.BAD_INPUT, r.code());
        assertEquals("gcl: batchSize: must be >= 2 (a standard deviation needs 2 values), got 1", r.err().strip());
    }
}
