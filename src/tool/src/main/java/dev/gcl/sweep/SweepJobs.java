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
 * On the CUDA backend each run has its own stream, replays its iterations as CUDA graphs (one launch, no host wait
 * per iteration) and all share one copy of the data on the device; {@code auto} there:
 * <ul>
 *   <li>large iterations (over {@link #SMALL_BATCH_FLOATS} floats): one run at a time, it keeps the device busy;</li>
 *   <li>small ones: as many runs as it takes for the largest product of an iteration, about one 64×64 output tile
 *       per 4,096 floats of the batch, to give {@link #CUDA_TILES_TO_FILL} tiles in all (about one per SM of an
 *       H100 or H200): {@code 2^19 / batch floats} runs, 10 at B 64 and D 768, 1 from B 1,024 at D 512; at most
 *       {@link #CUDA_MAX_RUNS};</li>
 *   <li>never more runs than the sweep (or shard) has, nor more than fit in the device's free memory less
 *       {@link #CUDA_HEADROOM_BYTES} at the estimated bytes per run.</li>
 * </ul>
 * These numbers are arithmetic, not yet measured on a GPU (the device bundle times sweeps of 1, 8 and 32 seeds).
 */
public record SweepJobs(int jobs, int threadsPerRun, String why) {
    /** A batch of at most this many floats (rows × features) makes a small iteration. */
    public static final long SMALL_BATCH_FLOATS = 1L << 20;
    /** 64×64 output tiles of the runs' largest products at once that {@code auto} aims for on a device. */
    public static final int CUDA_TILES_TO_FILL = 128;
    /** Runs at once of {@code auto} on a device at most. */
    public static final int CUDA_MAX_RUNS = 32;
    /** Device memory {@code auto} leaves free beside the runs. */
    public static final long CUDA_HEADROOM_BYTES = 512L << 20;

    /**
     * What the auto rule looks at, for one sweep on one machine; deviceFreeBytes is the free memory of the device
     * the runs would get, or -1 on the CPU backends.
     */
    public record Workload(String backendKind, int cores, int runs, long batchFloats, long bytesPerRun,
                           long memoryBytes, long deviceFreeBytes) {
        /** The device's free memory asked of the backend kind's provider. */
        public Workload(String backendKind, int cores, int runs, long batchFloats, long bytesPerRun,
                        long memoryBytes) {
            this(backendKind, cores, runs, batchFloats, bytesPerRun, memoryBytes, freeDeviceBytes(backendKind));
        }
    }

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
        long tilesPerRun = Math.max(1, (w.batchFloats() + 4095) / 4096);
        int byBatch = (int) Math.max(1, Math.min(CUDA_MAX_RUNS, CUDA_TILES_TO_FILL / tilesPerRun));
        long room = w.deviceFreeBytes() - CUDA_HEADROOM_BYTES;
        long byMemory = w.deviceFreeBytes() < 0 || w.bytesPerRun() <= 0 ? Integer.MAX_VALUE
                : Math.max(1, room / w.bytesPerRun());
        int runs = Math.max(1, w.runs());
        int jobs = (int) Math.min(Math.min(byBatch, runs), byMemory);
        String limit = jobs == runs && runs < byBatch ? "the sweep has " + runs + " runs"
                : jobs == byMemory && byMemory < byBatch ? String.format(Locale.ROOT, "%,d MiB per run fit %d times in"
                + " %,d MiB free on the device", w.bytesPerRun() >> 20, byMemory, w.deviceFreeBytes() >> 20)
                : String.format(Locale.ROOT, "about %d tiles of 64×64 each, %d in all", tilesPerRun,
                CUDA_TILES_TO_FILL);
        return new SweepJobs(jobs, threadsOr(threads, 1), String.format(Locale.ROOT,
                "auto: small batches (%,d floats), %d run%s at once on the device, each on its own stream (%s)",
                w.batchFloats(), jobs, jobs == 1 ? "" : "s", limit));
    }

    private static long freeDeviceBytes(String backendKind) {
        return onDevice(backendKind) ? Backends.find(backendKind).map(p -> p.freeDeviceBytes()).orElse(-1L) : -1;
    }

    /** True for a backend that computes on a device rather than on CPU threads (cuda). */
    private static boolean onDevice(String backendKind) {
        return Backends.find(backendKind).map(p -> !p.usesCpuThreads()).orElse(false);
    }

    private static int threadsOr(Integer threads, int otherwise) {
        return threads != null ? threads : otherwise;
    }
}
