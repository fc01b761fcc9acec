/** Seed and setting sweeps: the run plan, sharding across machines, results and their summary. */
package dev.gcl.sweep;
