package dev.gcl.train;

import dev.gcl.config.GclConfig;

import java.util.Locale;

/**
 * How many CPU threads a training run uses when none are given: one per {@link #MULTIPLY_ADDS_PER_THREAD} of an
 * iteration's forward pass (G and D over one batch), at least one, at most every core. Each op of an iteration hands
 * its work to the other threads and waits for them; below some work per op that costs more than the threads save.
 * Measured on the 2-core development machine (benchmarks/README.md, "Threads by shape", OpenBLAS backend, training
 * seconds, 1 thread against 2): 64 K multiply-adds per iteration (D 32, B 16) 0.42-0.57 s against 1.28 s; 14 M
 * 0.91-1.13 against 1.17-1.57; 32 M 0.92-1.11 against 1.14-1.15; 53 M 2.83-3.17 against 2.78-2.89; 211 M (the
 * paper's networks at D 768, B 64) 9.2-9.7 against 8.3-8.5. So 64 M per thread: 1 thread to 127 M, 2 from 128 M.
 * With more cores the rule is the same arithmetic, not measured there.
 *
 * @param threads the threads to use
 * @param why     one line for the run's notes: the figure and the rule
 */
public record ThreadChoice(int threads, String why) {
    /** An iteration's forward multiply-adds that make one thread's share worth handing over. */
    public static final long MULTIPLY_ADDS_PER_THREAD = 64_000_000L;

    /** Multiply-adds of one iteration's forward pass through G and D: batch rows × Σ in·out over their layers. */
    public static long forwardMultiplyAdds(GclConfig config, int rows, int dim) {
        long batch = Math.min(config.batchSize(), rows);
        long perRow = 0;
        for (int[] net : new int[][] {config.generatorDims(dim), config.discriminatorDims(dim)}) {
            for (int l = 0; l + 1 < net.length; l++) perRow += (long) net[l] * net[l + 1];
        }
        return batch * perRow;
    }

    /** The choice for a run of this config on rows × dim features on a machine with this many cores. */
    public static ThreadChoice forRun(GclConfig config, int rows, int dim, int cores) {
        if (cores < 1) throw new IllegalArgumentException("cores must be >= 1, got " + cores);
        long work = forwardMultiplyAdds(config, rows, dim);
        int threads = (int) Math.max(1, Math.min(cores, work / MULTIPLY_ADDS_PER_THREAD));
        return new ThreadChoice(threads, String.format(Locale.ROOT,
                "threads by shape: %d of %d core%s (an iteration's forward pass is %,.1f M multiply-adds, %,d M or more"
                        + " per thread; --threads chooses)", threads, cores, cores == 1 ? "" : "s", work / 1e6,
                MULTIPLY_ADDS_PER_THREAD / 1_000_000));
    }
}
