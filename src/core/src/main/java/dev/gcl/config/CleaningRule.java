package dev.gcl.config;

import dev.gcl.io.InvalidInputException;

/**
 * How the temporal-cleaning threshold T_delta on consecutive-segment distances d_t is chosen (docs/algorithm.md,
 * unsupervised pre-training step 1). A segment is kept iff d_t &lt; T_delta.
 */
public enum CleaningRule {
    /** T_delta = the configured value, an absolute L2 distance (default 0.70, for L2-normalised features). */
    ABSOLUTE("absolute"),
    /** T_delta = mean(d) + value · std(d) over all d_t of all training videos (std unbiased). */
    MEAN_STD("mean-std"),
    /** T_delta = the value-quantile of all d_t (value in (0, 1]; linear interpolation between order statistics). */
    QUANTILE("quantile");

    private final String cliName;

    CleaningRule(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** The value used when none is given: T_delta = 0.70 (absolute), k = 1 (mean-std), q = 0.8 (quantile). */
    public double defaultValue() {
        switch (this) {
            case MEAN_STD: return 1.0;
            case QUANTILE: return 0.8;
            default: return 0.70;
        }
    }

    public static CleaningRule parse(String name) {
        for (CleaningRule r : values()) if (r.cliName.equals(name)) return r;
        throw new InvalidInputException("cleaningRule: unknown rule '" + name
                + "' (expected absolute, mean-std or quantile)");
    }
}
