/**
 * What a fit reports while it runs: {@link dev.gcl.progress.TrainingListener}, called with each
 * {@link dev.gcl.progress.IterationStats} and {@link dev.gcl.progress.EpochStats} of each
 * {@link dev.gcl.progress.Phase}.
 */
package dev.gcl.progress;
