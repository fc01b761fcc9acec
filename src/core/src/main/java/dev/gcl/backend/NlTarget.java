package dev.gcl.backend;

/**
 * Negative-learning pseudo target for rows the discriminator labelled anomalous (docs/algorithm.md step 5). Rows labelled
 * normal always keep their own features as target.
 */
public enum NlTarget {
    /** The all-ones vector (paper default). */
    ONES("ones"),
    /** The features of a row r of the same batch drawn uniformly among rows labelled normal. */
    RANDOM_NORMAL("random-normal"),
    /** The row's own features plus N(0, sigma^2) noise per element. */
    GAUSSIAN("gaussian"),
    /** GCL without negative learning: no substitution, anomalous rows get weight 0 in G's loss. */
    NONE("none");

    private final String cliName;

    NlTarget(String cliName) {
        this.cliName = cliName;
    }

    /** The name used in configs and on the command line. */
    public String cliName() {
        return cliName;
    }

    /** Parses a name as written in configs ({@code ones}, {@code random-normal}, ...). */
    public static NlTarget parse(String name) {
        for (NlTarget t : values()) {
            if (t.cliName.equals(name)) return t;
        }
        throw new IllegalArgumentException("unknown negative-learning target '" + name
                + "' (expected ones, random-normal, gaussian or none)");
    }
}
