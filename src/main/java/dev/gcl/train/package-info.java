/**
 * The GCL training loop ({@link dev.gcl.train.GclTrainer}) and temporal cleaning
 * ({@link dev.gcl.train.TemporalCleaning}); internal to {@link dev.gcl.Gcl}, public for tests and tools.
 */
package dev.gcl.train;
