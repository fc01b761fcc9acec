package dev.gcl.config;

import java.util.function.Function;

/**
 * One setting of a GCL run, described once: its key (on the command line {@code --batch}, in sweep grids, in
 * model.json, run.json and checkpoints), the {@link GclConfig} field that names it in validation messages, its
 * {@link SettingType type} (parsing and writing its text), its default as command-line text, its valid
 * {@link SettingRange range}, and the option's parameter label and help text. {@link Settings} lists them all;
 * GclConfig, {@link ConfigKeys}, the CLI options and the docs table all come from that list.
 */
public final class Setting<T> {
    /** The values a derived default may read (only settings listed before it). */
    @FunctionalInterface
    public interface Values {
        <V> V get(Setting<V> setting);
    }

    private final String key, field;
    private final SettingType<T> type;
    private final String defaultText;
    private final T defaultValue;
    private int index = -1;
    private String paramLabel, help, source = "", symbol, docDefault;
    private SettingRange<T> range = SettingRange.any();
    private Function<Values, T> derivedDefault;

    Setting(String key, String field, SettingType<T> type, String defaultText) {
        this.key = key;
        this.field = field;
        this.type = type;
        this.defaultText = defaultText;
        this.defaultValue = defaultText == null ? null : type.parse(defaultText);
    }

    // description steps, used once each in Settings' static list

    Setting<T> label(String paramLabel) { this.paramLabel = paramLabel; return this; }
    Setting<T> help(String help) { this.help = help; return this; }
    Setting<T> range(SettingRange<T> range) { this.range = range; return this; }
    /** Where the default comes from (docs/algorithm.md's "source" column). */
    Setting<T> source(String source) { this.source = source; return this; }
    /** The symbol of docs/algorithm.md, e.g. {@code $B$}. */
    Setting<T> symbol(String symbol) { this.symbol = symbol; return this; }
    /** A default that depends on settings listed before this one; docText says it in the docs. */
    Setting<T> derivedDefault(Function<Values, T> derived, String docText) {
        this.derivedDefault = derived;
        this.docDefault = docText;
        return this;
    }
    /** The docs' text of the default where it says more than the value alone. */
    Setting<T> docDefault(String docText) { this.docDefault = docText; return this; }

    Setting<T> at(int index) { this.index = index; return this; }

    /** The key: the command-line option without {@code --}, the sweep grid's and the files' key. */
    public String key() { return key; }

    /** The GclConfig field (and builder method) that validation messages start with. */
    public String field() { return field; }

    public SettingType<T> type() { return type; }

    /** Position in {@link Settings#ALL}. */
    int index() { return index; }

    public String paramLabel() { return paramLabel; }

    public String help() { return help; }

    public SettingRange<T> range() { return range; }

    public String source() { return source; }

    /** The docs' name: the key in code style and the symbol, e.g. {@code `batch` ($B$)}. */
    public String docName() { return "`" + key + "`" + (symbol == null ? "" : " (" + symbol + ")"); }

    /** The default as the docs state it. */
    public String docDefault() {
        if (docDefault != null) return docDefault;
        return type.isChoice() ? "`" + defaultText + "`" : defaultText;
    }

    /** The default when none is given; values holds the settings listed before this one. */
    T defaultFor(Values values) {
        return derivedDefault != null ? derivedDefault.apply(values) : type.copy(defaultValue);
    }

    /** Reads the text of a value (the command line, a grid, a file); one-line errors without the key. */
    public T parse(String text) {
        return type.parse(text);
    }

    /** The text of a value, read back by {@link #parse} to an equal value. */
    public String format(Object value) {
        return type.format(type.cast(value));
    }

    @Override
    public String toString() {
        return key;
    }
}
