/**
 * The GCL training loop: {@link dev.gcl.train.GclTrainer} sets a fit up, {@code PhaseRunner} runs
 * the variant's phases, epochs and batches (checkpoints, resume, divergence checks), and
 * {@code GclIteration} is one iteration, step by step as docs/algorithm.md states it; temporal
 * cleaning is {@link dev.gcl.train.TemporalCleaning}. Internal to {@link dev.gcl.Gcl}, public for tests and tools.
 */
package dev.gcl.train;
