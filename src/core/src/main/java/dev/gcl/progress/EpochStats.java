package dev.gcl.progress;

/**
 * Summary of one training epoch. Losses are means over the epoch's iterations; fractions are the share of
 * segments pseudo-labelled anomalous. A value a phase does not compute is NaN (D's loss while pre-training G;
 * the test metric when no per-epoch evaluation was asked for, and in pre-training phases).
 *
 * @param testMetric the value of the per-epoch evaluation ({@link dev.gcl.Gcl#withEpochEvaluation}), e.g. test AUC
 */
public record EpochStats(Phase phase, int epoch, int iterations, int segments, double meanGeneratorLoss,
                         double meanDiscriminatorLoss, double fractionAnomalousByG, double fractionAnomalousByD,
                         double seconds, double testMetric) {}
