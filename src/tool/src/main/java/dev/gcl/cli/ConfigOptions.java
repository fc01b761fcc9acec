package dev.gcl.cli;

import dev.gcl.config.Setting;
import dev.gcl.config.Settings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every GclConfig setting as a command-line option, made from its description in {@link Settings} ({@code --key},
 * its parameter label and help text). A command declares {@code @Mixin(name = "settings") CommandSpec settings =
 * ConfigOptions.mixin()}: the options then stand in its help where it declares the mixin. Values stay text and are
 * parsed by {@link dev.gcl.config.ConfigKeys}, so options, sweep grids and model.json share one parser and one set of
 * error messages.
 */
final class ConfigOptions {
    private ConfigOptions() {}

    /** A mixin with an option per setting, in the settings' order. */
    static CommandSpec mixin() {
        CommandSpec spec = CommandSpec.create();
        for (Setting<?> s : Settings.ALL) {
            OptionSpec.Builder o = OptionSpec.builder("--" + s.key()).description(s.help());
            // a flag: given means true
            spec.addOption((s.type().isFlag() ? o.type(boolean.class) : o.type(String.class).paramLabel(s.paramLabel()))
                    .build());
        }
        return spec;
    }

    /** The settings given on the command line, by key, in the settings' order. */
    static Map<String, String> given(CommandSpec mixin) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : Settings.ALL) {
            Object value = mixin.findOption("--" + s.key()).getValue();
            if (value != null && !Boolean.FALSE.equals(value)) m.put(s.key(), value.toString());
        }
        return m;
    }
}
