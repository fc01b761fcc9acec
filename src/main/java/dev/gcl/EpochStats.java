package dev.gcl;

/**
 * Summary of one training epoch. Losses are means over the epoch's iterations; fractions are the share of
 * segments pseudo-labelled anomalous. A value a phase does not compute is NaN (D's loss while pre-training G).
 */
public record EpochStats(Phase phase, int epoch, int iterations, int segments, double meanGeneratorLoss,
                         double meanDiscriminatorLoss, double fractionAnomalousByG, double fractionAnomalousByD,
                         double seconds) {}
