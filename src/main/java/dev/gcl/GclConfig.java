package dev.gcl;

import dev.gcl.backend.NlTarget;

import java.util.Arrays;

/**
 * Every setting of a GCL run, with the paper's defaults (docs/algorithm.md "Defaults"). Immutable; build with
 * {@link #builder()}. Construction validates every field and throws {@link IllegalArgumentException} whose message
 * starts with the field's name, e.g. {@code "batchSize: must be >= 2, got 1"}.
 *
 * @param variant            which GCL variant to train
 * @param seed               the one seed of every random stream (initialisation, shuffles, noise)
 * @param epochs             epochs of the cooperative loop (or of autoencoder training)
 * @param pretrainEpochs     epochs of each pre-training stage (gcl-pt, gcl-occ)
 * @param batchSize          rows per iteration B
 * @param learningRate       RMSprop learning rate of both networks
 * @param momentum           RMSprop momentum
 * @param rmsAlpha           RMSprop smoothing constant
 * @param rmsEps             RMSprop epsilon
 * @param kG                 G's threshold: T_G = mean(e) + kG·std(e)
 * @param kD                 D's threshold: T_D = mean(p) + kD·std(p)
 * @param nlTarget           negative-learning target for rows D labels anomalous
 * @param gaussianSigma      standard deviation of the {@code gaussian} target's noise
 * @param generatorHidden    hidden widths of G (input and output widths are the feature dimension)
 * @param discriminatorHidden hidden widths of D (input is the feature dimension, output 1)
 * @param cleaningRule       how temporal cleaning chooses T_delta
 * @param cleaningValue      T_delta, k or q for the cleaning rule
 * @param weakLabelFraction  gcl-ws: fraction of training videos whose labels are used, in (0, 1]
 * @param softLabels         train D on min-max-scaled reconstruction errors (implied by {@link Variant#SOFT_LABELS})
 * @param scoreSource        what the trained model scores with
 */
public record GclConfig(Variant variant, long seed, int epochs, int pretrainEpochs, int batchSize,
                        double learningRate, double momentum, double rmsAlpha, double rmsEps, double kG, double kD,
                        NlTarget nlTarget, double gaussianSigma, int[] generatorHidden, int[] discriminatorHidden,
                        CleaningRule cleaningRule, double cleaningValue, double weakLabelFraction,
                        boolean softLabels, ScoreSource scoreSource) {

    public GclConfig {
        require(variant != null, "variant", "must be set");
        require(nlTarget != null, "nlTarget", "must be set");
        require(cleaningRule != null, "cleaningRule", "must be set");
        require(scoreSource != null, "scoreSource", "must be set");
        require(epochs >= 1, "epochs", "must be >= 1, got " + epochs);
        require(pretrainEpochs >= 0, "pretrainEpochs", "must be >= 0, got " + pretrainEpochs);
        require(batchSize >= 2, "batchSize", "must be >= 2 (a standard deviation needs 2 values), got " + batchSize);
        requireFinite(learningRate, "learningRate");
        require(learningRate > 0, "learningRate", "must be > 0, got " + learningRate);
        requireFinite(momentum, "momentum");
        require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
        requireFinite(rmsAlpha, "rmsAlpha");
        require(rmsAlpha >= 0 && rmsAlpha < 1, "rmsAlpha", "must be in [0, 1), got " + rmsAlpha);
        requireFinite(rmsEps, "rmsEps");
        require(rmsEps > 0, "rmsEps", "must be > 0, got " + rmsEps);
        requireFinite(kG, "kG");
        require(kG >= 0, "kG", "must be >= 0, got " + kG);
        requireFinite(kD, "kD");
        require(kD >= 0, "kD", "must be >= 0, got " + kD);
        requireFinite(gaussianSigma, "gaussianSigma");
        require(gaussianSigma > 0, "gaussianSigma", "must be > 0, got " + gaussianSigma);
        requireWidths(generatorHidden, "generatorHidden");
        requireWidths(discriminatorHidden, "discriminatorHidden");
        requireFinite(cleaningValue, "cleaningValue");
        switch (cleaningRule) {
            case ABSOLUTE:
                require(cleaningValue > 0, "cleaningValue", "an absolute T_delta must be > 0, got " + cleaningValue);
                break;
            case MEAN_STD:
                require(cleaningValue >= 0, "cleaningValue", "k of mean-std must be >= 0, got " + cleaningValue);
                break;
            case QUANTILE:
                require(cleaningValue > 0 && cleaningValue <= 1, "cleaningValue",
                        "a quantile must be in (0, 1], got " + cleaningValue);
                break;
            default:
                throw new IllegalStateException();
        }
        require(weakLabelFraction > 0 && weakLabelFraction <= 1, "weakLabelFraction",
                "must be in (0, 1], got " + weakLabelFraction);
        require(!(softLabels || variant == Variant.SOFT_LABELS) || variant.usesDiscriminator(), "softLabels",
                "variant " + variant.cliName() + " has no discriminator to train on soft labels");
        require(!(softLabels && variant == Variant.GCL_WS), "softLabels",
                "soft labels cannot be combined with gcl-ws weak labels");
        require(scoreSource != ScoreSource.DISCRIMINATOR || variant.usesDiscriminator(), "scoreSource",
                "variant " + variant.cliName() + " trains no discriminator to score with");
        generatorHidden = generatorHidden.clone();
        discriminatorHidden = discriminatorHidden.clone();
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) throw new IllegalArgumentException(field + ": " + message);
    }

    private static void requireFinite(double v, String field) {
        require(Double.isFinite(v), field, "must be a finite number, got " + v);
    }

    private static void requireWidths(int[] widths, String field) {
        require(widths != null && widths.length > 0, field, "needs at least one hidden layer");
        for (int w : widths) require(w > 0, field, "hidden sizes must be > 0, got " + Arrays.toString(widths));
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

    @Override
    public int[] generatorHidden() {
        return generatorHidden.clone();
    }

    @Override
    public int[] discriminatorHidden() {
        return discriminatorHidden.clone();
    }

    /** Whether D learns from soft labels (the soft-labels variant or the flag). */
    public boolean usesSoftLabels() {
        return softLabels || variant == Variant.SOFT_LABELS;
    }

    /** The score source after resolving {@link ScoreSource#AUTO} for this variant. */
    public ScoreSource resolvedScoreSource() {
        if (scoreSource != ScoreSource.AUTO) return scoreSource;
        return variant.usesDiscriminator() ? ScoreSource.DISCRIMINATOR : ScoreSource.RECONSTRUCTION;
    }

    /** G's layer widths for features of dimension d: [d, hidden..., d]. */
    public int[] generatorDims(int d) {
        int[] dims = new int[generatorHidden.length + 2];
        dims[0] = d;
        System.arraycopy(generatorHidden, 0, dims, 1, generatorHidden.length);
        dims[dims.length - 1] = d;
        return dims;
    }

    /** D's layer widths for features of dimension d: [d, hidden..., 1]. */
    public int[] discriminatorDims(int d) {
        int[] dims = new int[discriminatorHidden.length + 2];
        dims[0] = d;
        System.arraycopy(discriminatorHidden, 0, dims, 1, discriminatorHidden.length);
        dims[dims.length - 1] = 1;
        return dims;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GclConfig)) return false;
        GclConfig c = (GclConfig) o;
        return toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "GclConfig[variant=" + variant.cliName() + ", seed=" + seed + ", epochs=" + epochs
                + ", pretrainEpochs=" + pretrainEpochs + ", batchSize=" + batchSize + ", learningRate=" + learningRate
                + ", momentum=" + momentum + ", rmsAlpha=" + rmsAlpha + ", rmsEps=" + rmsEps + ", kG=" + kG
                + ", kD=" + kD + ", nlTarget=" + nlTarget.cliName() + ", gaussianSigma=" + gaussianSigma
                + ", generatorHidden=" + Arrays.toString(generatorHidden)
                + ", discriminatorHidden=" + Arrays.toString(discriminatorHidden)
                + ", cleaningRule=" + cleaningRule.cliName() + ", cleaningValue=" + cleaningValue
                + ", weakLabelFraction=" + weakLabelFraction + ", softLabels=" + softLabels
                + ", scoreSource=" + scoreSource + "]";
    }

    /** Mutable builder with the paper's defaults; {@link #build()} validates. */
    public static final class Builder {
        private Variant variant = Variant.GCL_PT;
        private long seed = 0;
        private int epochs = 15;
        private int pretrainEpochs = 15;
        private int batchSize = 8192;
        private double learningRate = 2e-5;
        private double momentum = 0.6;
        private double rmsAlpha = 0.99;
        private double rmsEps = 1e-8;
        private double kG = 1.0;
        private double kD = 0.1;
        private NlTarget nlTarget = NlTarget.ONES;
        private double gaussianSigma = 1.0;
        private int[] generatorHidden = {1024, 512, 256, 512, 1024};
        private int[] discriminatorHidden = {512, 32};
        private CleaningRule cleaningRule = CleaningRule.ABSOLUTE;
        /** null = the rule's default value. */
        private Double cleaningValue = null;
        private double weakLabelFraction = 1.0;
        private boolean softLabels = false;
        private ScoreSource scoreSource = ScoreSource.AUTO;

        private Builder() {}

        private Builder(GclConfig c) {
            variant = c.variant;
            seed = c.seed;
            epochs = c.epochs;
            pretrainEpochs = c.pretrainEpochs;
            batchSize = c.batchSize;
            learningRate = c.learningRate;
            momentum = c.momentum;
            rmsAlpha = c.rmsAlpha;
            rmsEps = c.rmsEps;
            kG = c.kG;
            kD = c.kD;
            nlTarget = c.nlTarget;
            gaussianSigma = c.gaussianSigma;
            generatorHidden = c.generatorHidden.clone();
            discriminatorHidden = c.discriminatorHidden.clone();
            cleaningRule = c.cleaningRule;
            cleaningValue = c.cleaningValue;
            weakLabelFraction = c.weakLabelFraction;
            softLabels = c.softLabels;
            scoreSource = c.scoreSource;
        }

        public Builder variant(Variant v) { variant = v; return this; }
        public Builder variant(String name) { variant = Variant.parse(name); return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder pretrainEpochs(int v) { pretrainEpochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder rmsAlpha(double v) { rmsAlpha = v; return this; }
        public Builder rmsEps(double v) { rmsEps = v; return this; }
        public Builder kG(double v) { kG = v; return this; }
        public Builder kD(double v) { kD = v; return this; }
        public Builder nlTarget(NlTarget v) { nlTarget = v; return this; }
        public Builder gaussianSigma(double v) { gaussianSigma = v; return this; }
        public Builder generatorHidden(int... v) { generatorHidden = v == null ? null : v.clone(); return this; }
        public Builder discriminatorHidden(int... v) { discriminatorHidden = v == null ? null : v.clone(); return this; }
        public Builder cleaning(CleaningRule rule, double value) { cleaningRule = rule; cleaningValue = value; return this; }
        /** The cleaning rule; its value stays the one set explicitly, else becomes the rule's default. */
        public Builder cleaningRule(CleaningRule rule) { cleaningRule = rule; return this; }
        public Builder cleaningValue(double value) { cleaningValue = value; return this; }
        public Builder weakLabelFraction(double v) { weakLabelFraction = v; return this; }
        public Builder softLabels(boolean v) { softLabels = v; return this; }
        public Builder scoreSource(ScoreSource v) { scoreSource = v; return this; }

        public GclConfig build() {
            return new GclConfig(variant, seed, epochs, pretrainEpochs, batchSize, learningRate, momentum, rmsAlpha,
                    rmsEps, kG, kD, nlTarget, gaussianSigma, generatorHidden, discriminatorHidden, cleaningRule,
                    cleaningValue != null ? cleaningValue : cleaningRule == null ? 0 : cleaningRule.defaultValue(),
                    weakLabelFraction, softLabels, scoreSource);
        }
    }
}
