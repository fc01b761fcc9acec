package dev.gcl.train;

import dev.gcl.nn.NetworkWeights;
import dev.gcl.nn.OptimizerState;
import dev.gcl.progress.EpochStats;

import java.util.List;

/**
 * Everything a training run needs to continue exactly where it stopped: the position of the next iteration, both
 * networks with their RMSprop state, the history so far and the partial sums of the epoch in progress. The random
 * streams need no state of their own: they are indexed by (seed, purpose, epoch or global iteration), which the
 * position holds. discriminator and its optimiser are null for variants without D.
 */
public record TrainerState(Position position, NetworkWeights generator, OptimizerState generatorOptimizer,
                           NetworkWeights discriminator, OptimizerState discriminatorOptimizer,
                           List<EpochStats> history, EpochProgress epochProgress) {

    /**
     * Where the next iteration starts: the index of the phase in the variant's plan, the epoch within it, the first
     * row of the next batch in that epoch's permutation, and the global iteration counter (noise streams).
     */
    public record Position(int phase, int epoch, int batchStart, int globalIteration) {}

    /** The running sums of the epoch in progress (all zero at an epoch boundary). */
    public record EpochProgress(int iterations, long segments, double generatorLossSum, double discriminatorLossSum,
                                long anomalousByG, long anomalousByD, boolean hasG, boolean hasD, boolean hasLabelsG,
                                boolean hasLabelsD, double seconds) {
        public static final EpochProgress EMPTY =
                new EpochProgress(0, 0, 0, 0, 0, 0, false, false, false, false, 0);
    }
}
