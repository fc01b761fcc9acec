package dev.gcl.progress;

/** What one training iteration produced; NaN where the phase does not compute a value. */
public record IterationStats(Phase phase, int epoch, int iteration, int rows, double generatorLoss,
                             double discriminatorLoss, int anomalousByG, int anomalousByD) {}
