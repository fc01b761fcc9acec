package dev.gcl.config;

import dev.gcl.io.InvalidInputException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every {@link GclConfig} setting by its key ({@link Settings}): the name used on the command line
 * ({@code train --lr 1e-3}), in sweep grids ({@code --grid lr=1e-3,1e-4}) and in model.json, run.json and
 * checkpoints; parsed from text with one-line errors that name the key.
 */
public final class ConfigKeys {
    private ConfigKeys() {}

    /** The known keys, in a stable order. */
    public static Set<String> names() {
        return Settings.keys();
    }

    /**
     * Applies key = value to the builder. Throws {@link InvalidInputException} with a one-line message naming the
     * key when the key is unknown or the value does not parse.
     */
    public static void apply(GclConfig.Builder builder, String key, String value) {
        Setting<?> setting = Settings.byKey(key);
        if (setting == null) {
            throw new InvalidInputException("unknown setting '" + key + "' (known: " + String.join(", ", names())
                    + ")");
        }
        try {
            parseInto(builder, setting, value.trim());
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new InvalidInputException(m != null && m.startsWith(key + ":") ? m : key + ": " + m, e);
        }
    }

    private static <T> void parseInto(GclConfig.Builder builder, Setting<T> setting, String text) {
        builder.set(setting, setting.parse(text));
    }

    /** Every setting of the config under its key, as text that {@link #applyAll} reads back to an equal config. */
    public static Map<String, String> toMap(GclConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting<?> s : Settings.ALL) m.put(s.key(), s.format(c.get(s)));
        return m;
    }

    /** Applies every entry. */
    public static GclConfig.Builder applyAll(GclConfig.Builder builder, Map<String, String> settings) {
        settings.forEach((k, v) -> apply(builder, k, v));
        return builder;
    }
}
