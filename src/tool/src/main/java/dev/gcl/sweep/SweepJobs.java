package dev.gcl.sweep;

import dev.gcl.backend.Backends;

import java.util.Locale;

/**
 * How many runs of a sweep train at once in one process, and with how many threads each ({@code --jobs N|auto}
 * and {@code --threads}). The runs share the loaded data; the cores are divided between them.
 *
 * <p>{@code --jobs N}: N runs at once, each on {@code --threads} threads, or cores / N (at least 1) when
 * {@code --threads} is not given. {@code auto}, on a CPU backend:
 * <ul>
 *   <li>small iterations (a batch of at most {@link #SMALL_BATCH_FLOATS} floats, rows × features: B 1,024 at
 *       D 1,024, B 64 at D 768): one single-threaded run per core, since a second thread inside such a run gains
 *       little (its products are too small to split well) while a second run doubles the throughput;</li>
 *   <li>larger iterations: one run at a time on every core (large products use the cores themselves);</li>
 *   <li>never more runs than the sweep (or shard) has, nor more than fit in half the memory given for them.</li>
 * </ul>
 * On the CUDA backend each run has its own stream and all share one copy of the data on the device; {@code auto}
 * there: small iterations, {@link #CUDA_SMALL_BATCH_RUNS} runs at once (at most the sweep's runs and the cores,
 * since each run's host thread launches its kernels and waits for its losses), else one at a time. That number is
 * a choice not yet measured on a GPU (a small iteration's kernels leave most of the device idle between launches;
 * several streams fill it).
 */
public record SweepJobs(int jobs, int threadsPerRun, String why) {
    /** A batch of at most this many floats (rows × features) makes a small iteration. */
    public static final long SMALL_BATCH_FLOATS = 1L << 20;
    /** Runs at once of {@code auto} on the CUDA backend when the iterations are small. */
    public static final int CUDA_SMALL_BATCH_RUNS = 4;

    /** What the auto rule looks at, for one sweep on one machine. */
    public record Workload(String backendKind, int cores, int runs, long batchFloats, long bytesPerRun,
                           long memoryBytes) {}

    /**
     * Resolves {@code --jobs} (a positive number or "auto") and {@code --threads} (null: not given). Throws
     * IllegalArgumentException naming the option for bad input.
     */
    public static SweepJobs choose(String spec, Integer threads, Workload w) {
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        String s = spec == null ? "1" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("auto")) {
            if (onDevice(w.backendKind())) return autoCuda(threads, w);
            return auto(threads, w);
        }
        int n;
        try {
            n = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--jobs must be a number of runs at once or auto, got '" + spec + "'");
        }
        if (n < 1) throw new IllegalArgumentException("--jobs must be >= 1, got " + n);
        return new SweepJobs(n, threadsOr(threads, Math.max(1, w.cores() / n)), "--jobs " + n);
    }

    private static SweepJobs auto(Integer threads, Workload w) {
        int runs = Math.max(1, w.runs());
        if (w.batchFloats() > SMALL_BATCH_FLOATS) {
            return new SweepJobs(1, threadsOr(threads, w.cores()), String.format(Locale.ROOT,
                    "auto: batches of %,d floats use every core inside one run", w.batchFloats()));
        }
        int perRun = threadsOr(threads, 1);
        int byCores = Math.max(1, w.cores() / perRun);
        long fit = w.bytesPerRun() <= 0 ? Integer.MAX_VALUE : Math.max(1, w.memoryBytes() / 2 / w.bytesPerRun());
        int jobs = (int) Math.min(Math.min(byCores, runs), fit);
        String limit = jobs == runs && runs < byCores ? "the sweep has " + runs + " runs"
                : jobs == fit && fit < byCores ? String.format(Locale.ROOT, "%,d MiB per run fit %d times in half of"
                + " %,d MiB", w.bytesPerRun() >> 20, fit, w.memoryBytes() >> 20)
                : w.cores() + " cores";
        return new SweepJobs(jobs, perRun, String.format(Locale.ROOT,
                "auto: small batches (%,d floats), %d run%s at once on %d thread%s each (%s)", w.batchFloats(), jobs,
                jobs == 1 ? "" : "s", perRun, perRun == 1 ? "" : "s", limit));
    }

    private static SweepJobs autoCuda(Integer threads, Workload w) {
        if (w.batchFloats() > SMALL_BATCH_FLOATS) {
            return new SweepJobs(1, threadsOr(threads, w.cores()), String.format(Locale.ROOT,
                    "auto: batches of %,d floats keep the device busy inside one run", w.batchFloats()));
        }
        int jobs = Math.max(1, Math.min(CUDA_SMALL_BATCH_RUNS, Math.min(Math.max(1, w.runs()), w.cores())));
        return new SweepJobs(jobs, threadsOr(threads, 1), String.format(Locale.ROOT,
                "auto: small batches (%,d floats), %d run%s at once on the device, each on its own stream",
                w.batchFloats(), jobs, jobs == 1 ? "" : "s"));
    }

    /** True for a backend that computes on a device rather than on CPU threads (cuda). */
    private static boolean onDevice(String backendKind) {
        return Backends.find(backendKind).map(p -> !p.usesCpuThreads()).orElse(false);
    }

    private static int threadsOr(Integer threads, int otherwise) {
        return threads != null ? threads : otherwise;
    }
}
