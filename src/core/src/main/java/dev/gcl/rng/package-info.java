/**
 * Counter-based random numbers (Philox4x32-10) shared bit for bit by the CPU and GPU backends. Training code takes
 * all randomness from {@link dev.gcl.rng.RandomStream}s keyed by (seed, {@link dev.gcl.rng.Purpose}, stream id);
 * {@code java.util.Random} is never used.
 */
package dev.gcl.rng;
