package dev.gcl.nn;

/**
 * "java": FP32 scoring in plain Java ({@link JavaFp32Scorer}), available on every JVM: the fast scorer where no
 * native one is (the core alone, or OpenBLAS not loading). Below "blas" (200): native sgemm is faster on batches.
 */
public final class JavaScorerProvider implements ScorerProvider {
    @Override public String name() { return "java"; }
    @Override public int priority() { return 100; }
    @Override public boolean available() { return true; }
    @Override public String reason() { return "pure Java, no natives: always available"; }
    @Override public String describe() { return "java (FP32 in plain Java, vectorised by the JIT)"; }

    @Override
    public NetworkScorer create(NetworkWeights net, int threads) {
        return new JavaFp32Scorer(net, threads);
    }
}
