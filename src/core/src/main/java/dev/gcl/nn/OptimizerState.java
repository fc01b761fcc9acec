package dev.gcl.nn;

/**
 * RMSprop's state of one network, per layer: the running average of squared gradients and the momentum buffer of
 * the weight (out, in) and of the bias (out). Host-side copy for checkpoints.
 */
public record OptimizerState(float[][] squareAvgWeight, float[][] squareAvgBias, float[][] momentumWeight,
                             float[][] momentumBias) {}
