package dev.gcl.config;

import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * The valid values of one setting: the check {@link GclConfig} runs (its message, without the field name, e.g.
 * {@code "must be >= 2 (a standard deviation needs 2 values), got 1"}) and the same range as the docs table says it.
 */
public final class SettingRange<T> {
    private final String text;
    /** The problem with a value (null: none); config holds every setting, for a range that depends on another. */
    private final BiFunction<T, GclConfig, String> problem;

    private SettingRange(String text, BiFunction<T, GclConfig, String> problem) {
        this.text = text;
        this.problem = problem;
    }

    /** The range as the docs table states it. */
    public String text() { return text; }

    /** What is wrong with value (without the field name), or null when it is in range. */
    String problem(T value, GclConfig config) { return problem.apply(value, config); }

    static <T> SettingRange<T> any() {
        return new SettingRange<>("any", (v, c) -> null);
    }

    /** Named choices: the type's parser refuses the others. */
    static <T> SettingRange<T> oneOf(String names) {
        return new SettingRange<>(names, (v, c) -> null);
    }

    static SettingRange<Integer> atLeast(int min) {
        return atLeast(min, "");
    }

    /** An int of at least min; why, when given, says why in the message. */
    static SettingRange<Integer> atLeast(int min, String why) {
        String because = why.isEmpty() ? "" : " (" + why + ")";
        return new SettingRange<>(">= " + min,
                (v, c) -> v >= min ? null : "must be >= " + min + because + ", got " + v);
    }

    /** A finite number in range (NaN and infinities are refused first, with a message of their own). */
    static SettingRange<Double> finite(SettingRange<Double> range) {
        return new SettingRange<>(range.text, (v, c) -> Double.isFinite(v) ? range.problem(v, c)
                : "must be a finite number, got " + v);
    }

    static SettingRange<Double> positive() {
        return new SettingRange<>("> 0", (v, c) -> v > 0 ? null : "must be > 0, got " + v);
    }

    static SettingRange<Double> nonNegative() {
        return new SettingRange<>(">= 0", (v, c) -> v >= 0 ? null : "must be >= 0, got " + v);
    }

    /** [0, 1). */
    static SettingRange<Double> fromZeroBelowOne() {
        return new SettingRange<>("[0, 1)", (v, c) -> v >= 0 && v < 1 ? null : "must be in [0, 1), got " + v);
    }

    /** (0, 1]. */
    static SettingRange<Double> aboveZeroToOne() {
        return new SettingRange<>("(0, 1]", (v, c) -> v > 0 && v <= 1 ? null : "must be in (0, 1], got " + v);
    }

    /** Hidden layer widths: at least one layer, each wider than 0. */
    static SettingRange<int[]> widths() {
        return new SettingRange<>("at least one width, each > 0", (v, c) -> {
            if (v == null || v.length == 0) return "needs at least one hidden layer";
            for (int w : v) if (w <= 0) return "hidden sizes must be > 0, got " + Arrays.toString(v);
            return null;
        });
    }

    /** A range that depends on other settings: problem reads them from the config, text says it in the docs. */
    static <T> SettingRange<T> depending(String text, BiFunction<T, GclConfig, String> problem) {
        return new SettingRange<>(text, problem);
    }
}
