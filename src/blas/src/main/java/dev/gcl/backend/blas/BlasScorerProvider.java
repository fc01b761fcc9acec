package dev.gcl.backend.blas;

import dev.gcl.nn.NetworkScorer;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.nn.ScorerProvider;

/** "blas": scoring with OpenBLAS's FP32 products ({@link BlasInference}), where {@link BlasProbe} finds OpenBLAS. */
public final class BlasScorerProvider implements ScorerProvider {
    @Override public String name() { return "blas"; }
    /** Above the core's pure-Java FP32 scorer: native sgemm is the faster on large batches. */
    @Override public int priority() { return 200; }
    @Override public boolean available() { return BlasProbe.get().available(); }
    @Override public String reason() { return BlasProbe.get().reason(); }
    @Override public String describe() { return "blas (OpenBLAS FP32 products)"; }

    @Override
    public NetworkScorer create(NetworkWeights net, int threads) {
        return new BlasInference(net, threads);
    }
}
