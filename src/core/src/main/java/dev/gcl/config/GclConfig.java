package dev.gcl.config;

import dev.gcl.backend.NlTarget;
import dev.gcl.io.InvalidInputException;

import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Every setting of a GCL run, with the paper's defaults (docs/algorithm.md "Every setting and its default").
 * Immutable; build with {@link #builder()}. Each setting is described once in {@link Settings} (key, type, default,
 * range, help); this class holds the values, checks each against its range and then the rules across settings,
 * and throws {@link InvalidInputException} whose message starts with the field's name, e.g.
 * {@code "batchSize: must be >= 2 (a standard deviation needs 2 values), got 1"}. The typed accessors and builder
 * methods are one line each, for code that reads or sets a setting by type.
 */
public final class GclConfig {
    /** Every setting's value, by its position in {@link Settings#ALL}. */
    private final Object[] values;

    private GclConfig(Object[] values) {
        this.values = values;
        for (Setting<?> s : Settings.ALL) {
            require(values[s.index()] != null || !s.type().mustBeSet(), s.field(), "must be set");
        }
        for (Setting<?> s : Settings.ALL) requireInRange(s);
        // the rules across settings
        Variant variant = variant();
        require(!usesSoftLabels() || variant.usesDiscriminator(), "softLabels",
                "variant " + variant.cliName() + " has no discriminator to train on soft labels");
        require(!(softLabels() && variant == Variant.GCL_WS), "softLabels",
                "soft labels cannot be combined with gcl-ws weak labels");
        require(scoreSource() != ScoreSource.DISCRIMINATOR || variant.usesDiscriminator(), "scoreSource",
                "variant " + variant.cliName() + " trains no discriminator to score with");
    }

    private <T> void requireInRange(Setting<T> s) {
        String problem = s.range().problem(s.type().cast(values[s.index()]), this);
        require(problem == null, s.field(), problem);
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) throw new InvalidInputException(field + ": " + message);
    }

    /** The paper's defaults. */
    public static GclConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The value of a setting (a copy where it is an array). */
    public <T> T get(Setting<T> setting) {
        return setting.type().copy(setting.type().cast(values[setting.index()]));
    }

    /** Which GCL variant to train. */
    public Variant variant() { return get(Settings.VARIANT); }
    /** The one seed of every random stream (initialisation, shuffles, noise). */
    public long seed() { return get(Settings.SEED); }
    /** Epochs of the cooperative loop (or of autoencoder training). */
    public int epochs() { return get(Settings.EPOCHS); }
    /** Epochs of each pre-training stage (gcl-pt, gcl-occ). */
    public int pretrainEpochs() { return get(Settings.PRETRAIN_EPOCHS); }
    /** Rows per iteration B. */
    public int batchSize() { return get(Settings.BATCH); }
    /** RMSprop learning rate of both networks. */
    public double learningRate() { return get(Settings.LR); }
    public double momentum() { return get(Settings.MOMENTUM); }
    /** RMSprop smoothing constant. */
    public double rmsAlpha() { return get(Settings.RMS_ALPHA); }
    public double rmsEps() { return get(Settings.RMS_EPS); }
    /** G's threshold: T_G = mean(e) + kG·std(e). */
    public double kG() { return get(Settings.K_G); }
    /** D's threshold: T_D = mean(p) + kD·std(p). */
    public double kD() { return get(Settings.K_D); }
    /** Negative-learning target for rows D labels anomalous. */
    public NlTarget nlTarget() { return get(Settings.NL); }
    /** Standard deviation of the {@code gaussian} target's noise. */
    public double gaussianSigma() { return get(Settings.SIGMA); }
    /** Hidden widths of G (input and output widths are the feature dimension). */
    public int[] generatorHidden() { return get(Settings.G_HIDDEN); }
    /** Hidden widths of D (input is the feature dimension, output 1). */
    public int[] discriminatorHidden() { return get(Settings.D_HIDDEN); }
    /** How temporal cleaning chooses T_delta. */
    public CleaningRule cleaningRule() { return get(Settings.CLEANING); }
    /** T_delta, k or q for the cleaning rule. */
    public double cleaningValue() { return get(Settings.CLEANING_VALUE); }
    /** gcl-ws: fraction of training videos whose labels are used, in (0, 1]. */
    public double weakLabelFraction() { return get(Settings.WEAK_FRACTION); }
    /** Train D on min-max-scaled reconstruction errors (implied by {@link Variant#SOFT_LABELS}). */
    public boolean softLabels() { return get(Settings.SOFT_LABELS); }
    /** What the trained model scores with. */
    public ScoreSource scoreSource() { return get(Settings.SCORE_BY); }

    /** Whether D learns from soft labels (the soft-labels variant or the flag). */
    public boolean usesSoftLabels() {
        return softLabels() || variant() == Variant.SOFT_LABELS;
    }

    /** The score source after resolving {@link ScoreSource#AUTO} for this variant. */
    public ScoreSource resolvedScoreSource() {
        if (scoreSource() != ScoreSource.AUTO) return scoreSource();
        return variant().usesDiscriminator() ? ScoreSource.DISCRIMINATOR : ScoreSource.RECONSTRUCTION;
    }

    /** G's layer widths for features of dimension d: [d, hidden..., d]. */
    public int[] generatorDims(int d) {
        return layerDims(d, generatorHidden(), d);
    }

    /** D's layer widths for features of dimension d: [d, hidden..., 1]. */
    public int[] discriminatorDims(int d) {
        return layerDims(d, discriminatorHidden(), 1);
    }

    private static int[] layerDims(int in, int[] hidden, int out) {
        int[] dims = new int[hidden.length + 2];
        dims[0] = in;
        System.arraycopy(hidden, 0, dims, 1, hidden.length);
        dims[dims.length - 1] = out;
        return dims;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GclConfig && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    /** {@code GclConfig[variant=gcl-pt, seed=0, ...]}: every setting by its field name. */
    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "GclConfig[", "]");
        for (Setting<?> s : Settings.ALL) j.add(s.field() + "=" + s.type().show(values[s.index()]));
        return j.toString();
    }

    /** Mutable builder with the paper's defaults; {@link #build()} validates. */
    public static final class Builder {
        /** The settings given; the others take their defaults at {@link #build()}. */
        private final Map<Setting<?>, Object> given = new HashMap<>();

        private Builder() {}

        private Builder(GclConfig c) {
            for (Setting<?> s : Settings.ALL) given.put(s, c.values[s.index()]);
        }

        /** Sets any setting by its description. */
        public <T> Builder set(Setting<T> setting, T value) {
            given.put(setting, setting.type().copy(value));
            return this;
        }

        /** Whether the setting was given (else it takes its default). */
        public boolean isSet(Setting<?> setting) {
            return given.containsKey(setting);
        }

        /** Every setting given to other, over those given here. */
        public Builder setAll(Builder other) {
            other.given.forEach((s, v) -> given.put(s, copyOf(s, v)));
            return this;
        }

        public Builder variant(Variant v) { return set(Settings.VARIANT, v); }
        public Builder variant(String name) { return set(Settings.VARIANT, Variant.parse(name)); }
        public Builder seed(long v) { return set(Settings.SEED, v); }
        public Builder epochs(int v) { return set(Settings.EPOCHS, v); }
        public Builder pretrainEpochs(int v) { return set(Settings.PRETRAIN_EPOCHS, v); }
        public Builder batchSize(int v) { return set(Settings.BATCH, v); }
        public Builder learningRate(double v) { return set(Settings.LR, v); }
        public Builder momentum(double v) { return set(Settings.MOMENTUM, v); }
        public Builder rmsAlpha(double v) { return set(Settings.RMS_ALPHA, v); }
        public Builder rmsEps(double v) { return set(Settings.RMS_EPS, v); }
        public Builder kG(double v) { return set(Settings.K_G, v); }
        public Builder kD(double v) { return set(Settings.K_D, v); }
        public Builder nlTarget(NlTarget v) { return set(Settings.NL, v); }
        public Builder gaussianSigma(double v) { return set(Settings.SIGMA, v); }
        public Builder generatorHidden(int... v) { return set(Settings.G_HIDDEN, v); }
        public Builder discriminatorHidden(int... v) { return set(Settings.D_HIDDEN, v); }
        public Builder cleaning(CleaningRule rule, double value) { return cleaningRule(rule).cleaningValue(value); }
        /** The cleaning rule; its value stays the one set explicitly, else becomes the rule's default. */
        public Builder cleaningRule(CleaningRule rule) { return set(Settings.CLEANING, rule); }
        public Builder cleaningValue(double value) { return set(Settings.CLEANING_VALUE, value); }
        public Builder weakLabelFraction(double v) { return set(Settings.WEAK_FRACTION, v); }
        public Builder softLabels(boolean v) { return set(Settings.SOFT_LABELS, v); }
        public Builder scoreSource(ScoreSource v) { return set(Settings.SCORE_BY, v); }

        public GclConfig build() {
            Object[] values = new Object[Settings.ALL.size()];
            Setting.Values before = new Setting.Values() {
                @Override
                public <V> V get(Setting<V> s) {
                    return s.type().cast(values[s.index()]);
                }
            };
            for (Setting<?> s : Settings.ALL) {
                values[s.index()] = given.containsKey(s) ? copyOf(s, given.get(s)) : s.defaultFor(before);
            }
            return new GclConfig(values);
        }

        private static <T> T copyOf(Setting<T> s, Object value) {
            return s.type().copy(s.type().cast(value));
        }
    }
}
