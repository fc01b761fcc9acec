package dev.gcl.train;

import dev.gcl.nn.Network;
import dev.gcl.nn.NetworkWeights;

/**
 * What a non-finite loss, statistic or weight does to a fit (docs/algorithm.md "Non-finite losses and
 * divergence"): STOP throws {@link TrainingDivergedException} with a one-line message naming the iteration, the
 * value and the first non-finite layer; SKIP_BATCH counts the batch as skipped (its remaining updates were
 * already skipped on the device by their RMSprop guards).
 */
final class NonFiniteValues {
    private final NanPolicy policy;
    private final Network g, d;
    private int skippedBatches;

    NonFiniteValues(NanPolicy policy, Network g, Network d) {
        this.policy = policy;
        this.g = g;
        this.d = d;
    }

    /**
     * A value of iteration globalIteration came out non-finite: network is "G", "D" (a loss of that value) or a
     * plural such as "D score" (statistics over the batch). Returns normally only under SKIP_BATCH.
     */
    void found(String network, double value, int globalIteration) {
        if (policy == NanPolicy.SKIP_BATCH) {
            skippedBatches++;
            return;
        }
        String where = firstNonFiniteWeight();
        String what = network.contains(" ") ? network + "s are not finite" : network + " loss is " + value;
        throw new TrainingDivergedException("training diverged at iteration " + globalIteration + ": " + what
                + (where != null ? "; " + where : "; all weights still finite (the inputs or"
                + " the learning rate?)"));
    }

    /** After each epoch: every weight of both networks must be finite. */
    void checkWeights(String phase, int epoch, int globalIteration) {
        String where = firstNonFiniteWeight();
        if (where != null) {
            throw new TrainingDivergedException("training diverged in " + phase + " epoch " + (epoch + 1)
                    + " (iteration " + globalIteration + "): " + where);
        }
    }

    int skippedBatches() {
        return skippedBatches;
    }

    /** "G layer 2 (G.4.weight) holds NaN" for the first non-finite parameter, or null when all are finite. */
    private String firstNonFiniteWeight() {
        String where = firstNonFinite("G", g);
        return where != null ? where : firstNonFinite("D", d);
    }

    private static String firstNonFinite(String name, Network network) {
        if (network == null) return null;
        NetworkWeights w = network.download();
        for (int l = 0; l < w.layers(); l++) {
            for (boolean bias : new boolean[] {false, true}) {
                for (float x : bias ? w.bias(l) : w.weight(l)) {
                    if (!Float.isFinite(x)) {
                        return name + " layer " + l + " (" + name + "." + (2 * l) + (bias ? ".bias" : ".weight")
                                + ") holds " + x;
                    }
                }
            }
        }
        return null;
    }
}
