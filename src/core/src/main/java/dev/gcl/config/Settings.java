package dev.gcl.config;

import dev.gcl.backend.NlTarget;
import dev.gcl.io.InvalidInputException;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.gcl.config.SettingRange.aboveZeroToOne;
import static dev.gcl.config.SettingRange.atLeast;
import static dev.gcl.config.SettingRange.finite;
import static dev.gcl.config.SettingRange.fromZeroBelowOne;
import static dev.gcl.config.SettingRange.nonNegative;
import static dev.gcl.config.SettingRange.oneOf;
import static dev.gcl.config.SettingRange.positive;

/**
 * Every setting of a GCL run, each described once, in the order of the command line's help, of model.json's
 * config and of {@link GclConfig#toString()}. Adding a setting: a description here (key, field, type, default,
 * range, label, help, docs source), a one-line accessor in {@link GclConfig} and a one-line builder method in
 * {@link GclConfig.Builder} for code that reads or sets it by type; then paste the table SettingsDocsTest prints
 * into docs/cli.md. Validation, text keys, CLI options and toString follow from the description.
 */
public final class Settings {
    private Settings() {}

    public static final Setting<Variant> VARIANT = new Setting<>("variant", "variant", SettingType.choice(Variant.class,
            Variant::parse, Variant::cliName, Variant::cliName), "gcl-pt")
            .label("NAME").range(oneOf(names(Variant.values(), Variant::cliName)))
            .source("this project (the paper's best unsupervised variant)")
            .help("gcl-b, gcl-pt, gcl-occ, gcl-ws, soft-labels, g-self, ae-all, ae-td, ae-occ"
                    + " (default gcl-pt for videos, gcl-b for rows without a time axis).");
    public static final Setting<Long> SEED = new Setting<>("seed", "seed", SettingType.LONG, "0")
            .label("N").source("this project")
            .help("Seed of every random stream (default 0).");
    public static final Setting<Integer> EPOCHS = new Setting<>("epochs", "epochs", SettingType.INT, "15")
            .label("N").range(atLeast(1)).source("paper")
            .help("Epochs of the cooperative loop (default 15).");
    public static final Setting<Integer> PRETRAIN_EPOCHS = new Setting<>("pretrain-epochs", "pretrainEpochs",
            SettingType.INT, "15")
            .label("N").range(atLeast(0)).source("**[choice]**")
            .help("Epochs of each pre-training stage (default 15).");
    public static final Setting<Integer> BATCH = new Setting<>("batch", "batchSize", SettingType.INT, "8192")
            .label("N").range(atLeast(2, "a standard deviation needs 2 values")).source("paper").symbol("$B$")
            .help("Batch size (default 8192).");
    public static final Setting<Double> LR = new Setting<>("lr", "learningRate", SettingType.DOUBLE, "2e-5")
            .label("X").range(finite(positive())).source("paper").symbol("$\\eta$")
            .help("RMSprop learning rate (default 2e-5).");
    public static final Setting<Double> MOMENTUM = new Setting<>("momentum", "momentum", SettingType.DOUBLE, "0.6")
            .label("X").range(finite(fromZeroBelowOne())).source("paper").symbol("$\\mu$")
            .help("RMSprop momentum (default 0.6).");
    public static final Setting<Double> RMS_ALPHA = new Setting<>("rms-alpha", "rmsAlpha", SettingType.DOUBLE, "0.99")
            .label("X").range(finite(fromZeroBelowOne())).source("**[choice]**, PyTorch default").symbol("$\\alpha$")
            .help("RMSprop smoothing (default 0.99).");
    public static final Setting<Double> RMS_EPS = new Setting<>("rms-eps", "rmsEps", SettingType.DOUBLE, "1e-8")
            .label("X").range(finite(positive())).source("**[choice]**, PyTorch default").symbol("$\\epsilon$")
            .help("RMSprop epsilon (default 1e-8).");
    public static final Setting<Double> K_G = new Setting<>("k-g", "kG", SettingType.DOUBLE, "1.0")
            .label("X").range(finite(nonNegative())).source("paper").symbol("$k_G$")
            .help("G's threshold mean + k·std (default 1.0).");
    public static final Setting<Double> K_D = new Setting<>("k-d", "kD", SettingType.DOUBLE, "0.1")
            .label("X").range(finite(nonNegative())).source("paper").symbol("$k_D$")
            .help("D's threshold mean + k·std (default 0.1).");
    public static final Setting<NlTarget> NL = new Setting<>("nl", "nlTarget", SettingType.choice(NlTarget.class,
            NlTarget::parse, NlTarget::cliName, NlTarget::cliName), "ones")
            .label("TARGET").range(oneOf(names(NlTarget.values(), NlTarget::cliName)))
            .source("paper (its best target, figure 5)")
            .help("ones, random-normal, gaussian or none (default ones).");
    public static final Setting<Double> SIGMA = new Setting<>("sigma", "gaussianSigma", SettingType.DOUBLE, "1.0")
            .label("X").range(finite(positive())).source("**[choice]**")
            .help("Noise of the gaussian target (default 1.0).");
    public static final Setting<int[]> G_HIDDEN = new Setting<>("g-hidden", "generatorHidden", SettingType.WIDTHS,
            "1024,512,256,512,1024")
            .label("W,W,...").range(SettingRange.widths()).source("paper")
            .help("G's hidden widths (default 1024,512,256,512,1024).");
    public static final Setting<int[]> D_HIDDEN = new Setting<>("d-hidden", "discriminatorHidden", SettingType.WIDTHS,
            "512,32")
            .label("W,W,...").range(SettingRange.widths()).source("paper")
            .help("D's hidden widths (default 512,32).");
    public static final Setting<CleaningRule> CLEANING = new Setting<>("cleaning", "cleaningRule",
            SettingType.choice(CleaningRule.class, CleaningRule::parse, CleaningRule::cliName, CleaningRule::cliName),
            "absolute")
            .label("RULE").range(oneOf(names(CleaningRule.values(), CleaningRule::cliName)))
            .source("**[choice]** (reading of the paper's 0.70)")
            .help("absolute, mean-std or quantile (default absolute).");
    public static final Setting<Double> CLEANING_VALUE = new Setting<>("cleaning-value", "cleaningValue",
            SettingType.DOUBLE, null)
            .label("X").range(finite(SettingRange.depending("absolute: > 0; mean-std: >= 0; quantile: (0, 1]",
                    Settings::cleaningValueProblem)))
            .derivedDefault(v -> v.get(Settings.CLEANING) == null ? 0 : v.get(Settings.CLEANING).defaultValue(),
                    "0.70 (absolute), 1 (mean-std), 0.8 (quantile)")
            .source("paper for 0.70; **[choice]** for the others")
            .help("T_delta, k or q (default 0.70, 1, 0.8 by rule).");
    public static final Setting<Double> WEAK_FRACTION = new Setting<>("weak-fraction", "weakLabelFraction",
            SettingType.DOUBLE, "1.0")
            .label("F").range(aboveZeroToOne()).source("**[choice]** (the paper's range is 0.33-1.0)")
            .help("gcl-ws: share of videos whose labels are used (default 1).");
    public static final Setting<Boolean> SOFT_LABELS = new Setting<>("soft-labels", "softLabels", SettingType.BOOLEAN,
            "false")
            .range(oneOf("true, false (the option is a flag: given means true)")).source("—")
            .help("Train D on min-max-scaled reconstruction errors.");
    public static final Setting<ScoreSource> SCORE_BY = new Setting<>("score-by", "scoreSource",
            SettingType.choice(ScoreSource.class, Settings::parseScoreSource, Settings::scoreSourceName,
                    ScoreSource::name), "auto")
            .label("SOURCE").range(oneOf("d, reconstruction, auto"))
            .docDefault("`auto` (D when there is one)").source("paper (scores by D unless stated otherwise)")
            .help("d, reconstruction or auto (default auto).");

    /** Every setting, in order. */
    public static final List<Setting<?>> ALL = numbered(VARIANT, SEED, EPOCHS, PRETRAIN_EPOCHS, BATCH, LR, MOMENTUM,
            RMS_ALPHA, RMS_EPS, K_G, K_D, NL, SIGMA, G_HIDDEN, D_HIDDEN, CLEANING, CLEANING_VALUE, WEAK_FRACTION,
            SOFT_LABELS, SCORE_BY);

    private static final Map<String, Setting<?>> BY_KEY = ALL.stream()
            .collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> a, LinkedHashMap::new));

    /** The setting of a key, or null. */
    public static Setting<?> byKey(String key) {
        return BY_KEY.get(key);
    }

    /** The keys in order. */
    public static Set<String> keys() {
        return Collections.unmodifiableSet(BY_KEY.keySet());
    }

    private static List<Setting<?>> numbered(Setting<?>... all) {
        for (int i = 0; i < all.length; i++) all[i].at(i);
        return List.of(all);
    }

    private static <E> String names(E[] values, Function<E, String> name) {
        return Arrays.stream(values).map(name).collect(Collectors.joining(", "));
    }

    private static String cleaningValueProblem(double v, GclConfig c) {
        switch (c.cleaningRule()) {
            case ABSOLUTE: return v > 0 ? null : "an absolute T_delta must be > 0, got " + v;
            case MEAN_STD: return v >= 0 ? null : "k of mean-std must be >= 0, got " + v;
            case QUANTILE: return v > 0 && v <= 1 ? null : "a quantile must be in (0, 1], got " + v;
            default: throw new IllegalStateException();
        }
    }

    private static ScoreSource parseScoreSource(String v) {
        switch (v) {
            case "d": case "discriminator": return ScoreSource.DISCRIMINATOR;
            case "reconstruction": case "g": return ScoreSource.RECONSTRUCTION;
            case "auto": return ScoreSource.AUTO;
            default: throw new InvalidInputException("'" + v + "' (expected d, reconstruction or auto)");
        }
    }

    private static String scoreSourceName(ScoreSource s) {
        return s == ScoreSource.AUTO ? "auto" : s == ScoreSource.DISCRIMINATOR ? "d" : "reconstruction";
    }
}
