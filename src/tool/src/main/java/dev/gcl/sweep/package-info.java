/**
 * Seed and setting sweeps: the run plan, sharding across machines (Slurm array tasks, Kubernetes indexed jobs),
 * each shard folder's manifest ({@code sweep.json}: plan, data fingerprint, shard) and single-writer lock, how many
 * runs train at once in one process and on how many threads ({@code --jobs}), results and their summary.
 */
package dev.gcl.sweep;
