package dev.gcl;

import dev.gcl.backend.NlTarget;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Every {@link GclConfig} setting by the name used on the command line ({@code train --lr 1e-3}) and in sweep
 * grids ({@code --grid lr=1e-3,1e-4}), parsed from text with one-line errors that name the key.
 */
public final class ConfigKeys {
    private static final Map<String, BiConsumer<GclConfig.Builder, String>> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("variant", (b, v) -> b.variant(v));
        KEYS.put("seed", (b, v) -> b.seed(parseLong("seed", v)));
        KEYS.put("epochs", (b, v) -> b.epochs(parseInt("epochs", v)));
        KEYS.put("pretrain-epochs", (b, v) -> b.pretrainEpochs(parseInt("pretrain-epochs", v)));
        KEYS.put("batch", (b, v) -> b.batchSize(parseInt("batch", v)));
        KEYS.put("lr", (b, v) -> b.learningRate(parseDouble("lr", v)));
        KEYS.put("momentum", (b, v) -> b.momentum(parseDouble("momentum", v)));
        KEYS.put("rms-alpha", (b, v) -> b.rmsAlpha(parseDouble("rms-alpha", v)));
        KEYS.put("rms-eps", (b, v) -> b.rmsEps(parseDouble("rms-eps", v)));
        KEYS.put("k-g", (b, v) -> b.kG(parseDouble("k-g", v)));
        KEYS.put("k-d", (b, v) -> b.kD(parseDouble("k-d", v)));
        KEYS.put("nl", (b, v) -> b.nlTarget(NlTarget.parse(v)));
        KEYS.put("sigma", (b, v) -> b.gaussianSigma(parseDouble("sigma", v)));
        KEYS.put("g-hidden", (b, v) -> b.generatorHidden(parseInts("g-hidden", v)));
        KEYS.put("d-hidden", (b, v) -> b.discriminatorHidden(parseInts("d-hidden", v)));
        KEYS.put("cleaning", (b, v) -> b.cleaningRule(CleaningRule.parse(v)));
        KEYS.put("cleaning-value", (b, v) -> b.cleaningValue(parseDouble("cleaning-value", v)));
        KEYS.put("weak-fraction", (b, v) -> b.weakLabelFraction(parseDouble("weak-fraction", v)));
        KEYS.put("soft-labels", (b, v) -> b.softLabels(parseBoolean("soft-labels", v)));
        KEYS.put("score-by", (b, v) -> b.scoreSource(parseScoreSource(v)));
    }

    private ConfigKeys() {}

    /** The known keys, in a stable order. */
    public static java.util.Set<String> names() {
        return KEYS.keySet();
    }

    /**
     * Applies key = value to the builder. Throws {@link IllegalArgumentException} with a one-line message naming
     * the key when the key is unknown or the value does not parse.
     */
    public static void apply(GclConfig.Builder builder, String key, String value) {
        BiConsumer<GclConfig.Builder, String> setter = KEYS.get(key);
        if (setter == null) {
            throw new IllegalArgumentException("unknown setting '" + key + "' (known: " + String.join(", ", KEYS.keySet())
                    + ")");
        }
        try {
            setter.accept(builder, value.trim());
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IllegalArgumentException(m != null && m.startsWith(key + ":") ? m : key + ": " + m, e);
        }
    }

    /** Every setting of the config under its key, as text that {@link #applyAll} reads back to an equal config. */
    public static Map<String, String> toMap(GclConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("variant", c.variant().cliName());
        m.put("seed", Long.toString(c.seed()));
        m.put("epochs", Integer.toString(c.epochs()));
        m.put("pretrain-epochs", Integer.toString(c.pretrainEpochs()));
        m.put("batch", Integer.toString(c.batchSize()));
        m.put("lr", Double.toString(c.learningRate()));
        m.put("momentum", Double.toString(c.momentum()));
        m.put("rms-alpha", Double.toString(c.rmsAlpha()));
        m.put("rms-eps", Double.toString(c.rmsEps()));
        m.put("k-g", Double.toString(c.kG()));
        m.put("k-d", Double.toString(c.kD()));
        m.put("nl", c.nlTarget().cliName());
        m.put("sigma", Double.toString(c.gaussianSigma()));
        m.put("g-hidden", joined(c.generatorHidden()));
        m.put("d-hidden", joined(c.discriminatorHidden()));
        m.put("cleaning", c.cleaningRule().cliName());
        m.put("cleaning-value", Double.toString(c.cleaningValue()));
        m.put("weak-fraction", Double.toString(c.weakLabelFraction()));
        m.put("soft-labels", Boolean.toString(c.softLabels()));
        m.put("score-by", c.scoreSource() == ScoreSource.AUTO ? "auto"
                : c.scoreSource() == ScoreSource.DISCRIMINATOR ? "d" : "reconstruction");
        return m;
    }

    private static String joined(int[] a) {
        StringBuilder sb = new StringBuilder();
        for (int v : a) sb.append(sb.length() == 0 ? "" : ",").append(v);
        return sb.toString();
    }

    /** Applies every entry. */
    public static GclConfig.Builder applyAll(GclConfig.Builder builder, Map<String, String> settings) {
        settings.forEach((k, v) -> apply(builder, k, v));
        return builder;
    }

    private static long parseLong(String key, String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
        }
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
        }
    }

    private static double parseDouble(String key, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a number");
        }
    }

    private static int[] parseInts(String key, String v) {
        try {
            return Arrays.stream(v.split("[,x ]+")).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a list of layer sizes like 1024,512,256");
        }
    }

    private static boolean parseBoolean(String key, String v) {
        if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) return true;
        if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) return false;
        throw new IllegalArgumentException(key + ": '" + v + "' is not true or false");
    }

    private static ScoreSource parseScoreSource(String v) {
        switch (v) {
            case "d": case "discriminator": return ScoreSource.DISCRIMINATOR;
            case "reconstruction": case "g": return ScoreSource.RECONSTRUCTION;
            case "auto": return ScoreSource.AUTO;
            default: throw new IllegalArgumentException("score-by: '" + v + "' (expected d, reconstruction or auto)");
        }
    }
}
