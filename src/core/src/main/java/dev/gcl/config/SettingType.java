package dev.gcl.config;

import dev.gcl.io.InvalidInputException;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * How one kind of setting value is read from text and written as text (the command line, sweep grids, model.json),
 * shown in {@link GclConfig#toString()} and named in the docs. Parse errors are one line without the key
 * ({@link ConfigKeys#apply} puts the key in front).
 */
public final class SettingType<T> {
    private final String name;
    private final Class<T> javaClass;
    private final Function<String, T> parser;
    private final Function<T, String> formatter, shower;
    private final UnaryOperator<T> copier;
    private final boolean choice;

    private SettingType(String name, Class<T> javaClass, Function<String, T> parser, Function<T, String> formatter,
                        Function<T, String> shower, UnaryOperator<T> copier, boolean choice) {
        this.name = name;
        this.javaClass = javaClass;
        this.parser = parser;
        this.formatter = formatter;
        this.shower = shower;
        this.copier = copier;
        this.choice = choice;
    }

    public static final SettingType<Integer> INT = number("int", Integer.class, Integer::parseInt, "a whole number");
    public static final SettingType<Long> LONG = number("long", Long.class, Long::parseLong, "a whole number");
    public static final SettingType<Double> DOUBLE = number("double", Double.class, Double::parseDouble, "a number");

    public static final SettingType<Boolean> BOOLEAN = plain("boolean", Boolean.class, v -> {
        if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) return true;
        if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) return false;
        throw new InvalidInputException("'" + v + "' is not true or false");
    }, v -> Boolean.toString(v));

    /** Layer widths: written 1024,512,256; read with commas, x or spaces between. */
    public static final SettingType<int[]> WIDTHS = new SettingType<>("int[]", int[].class, v -> {
        try {
            return Arrays.stream(v.split("[,x ]+")).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new InvalidInputException("'" + v + "' is not a list of layer sizes like 1024,512,256");
        }
    }, SettingType::joined, Arrays::toString, a -> a == null ? null : a.clone(), false);

    /** A number; text that is not one is refused as "'text' is not {what}". */
    private static <T> SettingType<T> number(String name, Class<T> c, Function<String, T> parser, String what) {
        return plain(name, c, v -> {
            try {
                return parser.apply(v);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("'" + v + "' is not " + what);
            }
        }, String::valueOf);
    }

    private static <T> SettingType<T> plain(String name, Class<T> c, Function<String, T> parser,
                                            Function<T, String> formatter) {
        return new SettingType<>(name, c, parser, formatter, formatter, UnaryOperator.identity(), false);
    }

    /** One of an enum's constants by name; shown (toString) by shower. */
    static <E extends Enum<E>> SettingType<E> choice(Class<E> c, Function<String, E> parser,
                                                   Function<E, String> formatter, Function<E, String> shower) {
        return new SettingType<>(c.getSimpleName(), c, parser, formatter, shower, UnaryOperator.identity(), true);
    }

    private static String joined(int[] a) {
        StringBuilder sb = new StringBuilder();
        for (int v : a) sb.append(sb.length() == 0 ? "" : ",").append(v);
        return sb.toString();
    }

    /** The Java type, as the docs table names it. */
    public String name() { return name; }

    /** A value picked from named choices (shown in code style in the docs). */
    public boolean isChoice() { return choice; }

    /** A flag on the command line: given means true. */
    public boolean isFlag() { return javaClass == Boolean.class; }

    /** Whether a missing (null) value is an error of its own ("must be set") rather than one of its range. */
    boolean mustBeSet() { return javaClass != int[].class; }

    T parse(String text) { return parser.apply(text); }

    String format(T value) { return formatter.apply(value); }

    /** The value as {@link GclConfig#toString()} shows it. */
    String show(Object value) { return shower.apply(cast(value)); }

    /** An independent copy where the value is mutable (arrays). */
    T copy(T value) { return copier.apply(value); }

    T cast(Object value) { return javaClass.cast(value); }
}
