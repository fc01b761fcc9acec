package dev.gcl.nn;

/**
 * A fast FP32 scorer as gcl sees it before making one: its name, whether this machine can run it and why, and how
 * to make a {@link NetworkScorer}. Found by {@link Scorers} through {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/dev.gcl.nn.ScorerProvider} of its artifact), ordered by {@link #priority()}, never by
 * class-path order. The reference arithmetic is not a provider: {@code GclModel} computes it itself.
 * Implementations must be cheap to construct: probing (loading natives) waits for {@link #available()}.
 */
public interface ScorerProvider {
    /** "blas", "java": the name {@code gcl score --scorer} and {@code GclModel.withScorer} accept. */
    String name();

    /** Which one "fast" means where several are available: the highest. Two providers may not share one. */
    int priority();

    /** True when {@link #create} can succeed here (probed once per process; never throws). */
    boolean available();

    /** Why it is or is not available, in one line. */
    String reason();

    /** "OpenBLAS FP32 products" and the like, for messages and run.json. */
    String describe();

    /**
     * A scorer of this network whose large batches may be split over {@code threads} threads (one row always runs
     * on the calling thread). Throws IllegalStateException with {@link #reason()} when unavailable.
     */
    NetworkScorer create(NetworkWeights net, int threads);
}
