package dev.gcl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.config.ConfigKeys;
import dev.gcl.config.GclConfig;
import dev.gcl.data.DataFingerprint;
import dev.gcl.data.Dataset;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.model.CheckpointFiles;
import dev.gcl.sweep.ConcurrentRuns;
import dev.gcl.sweep.RunTally;
import dev.gcl.sweep.SweepJobs;
import dev.gcl.sweep.SweepLock;
import dev.gcl.sweep.SweepManifest;
import dev.gcl.sweep.SweepPlan;
import dev.gcl.sweep.SweepResults;
import dev.gcl.sweep.SweepRun;
import dev.gcl.train.NanPolicy;
import dev.gcl.train.TrainerState;
import dev.gcl.train.TrainingStoppedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code gcl sweep}: every variant × seed × grid setting on one dataset, one run directory each under
 * {@code OUT/runs/}, then results.csv, results.jsonl, summary.csv and a box plot. Re-running the same sweep skips
 * finished runs; a failing run is recorded with its error and the sweep goes on. {@code --shard i/n} runs one
 * slice; {@code gcl sweep merge} joins the shards' directories.
 */
@Command(name = "sweep", sortOptions = false, subcommands = SweepCommand.Merge.class, description = {
        "Run variants x seeds x settings on one dataset; summarise mean and spread of the frame ROC AUC.",
        "Without --data: the built-in generated demo dataset with the demo settings."})
final class SweepCommand implements Callable<Integer> {
    /** Per-run checkpoints of runs in progress, under the sweep folder. */
    static final String CHECKPOINTS = "checkpoints";

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "PATH", description = "Dataset description (.yaml/.json) or .npz.")
    Path data;

    @Option(names = "--seeds", paramLabel = "SPEC", defaultValue = "0-9", description = "Seeds: 0-9, 1,3,5 or 0-4,10 (default ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--variants", paramLabel = "V,V", defaultValue = "gcl-b,gcl-pt", description = "Variants (default ${DEFAULT-VALUE}).")
    String variants;

    @Option(names = "--grid", paramLabel = "KEY=V1,V2", description = "A setting to vary (repeatable); keys as train's options without --.")
    List<String> grid = new ArrayList<>();

    @Option(names = "--shard", paramLabel = "I/N", description = "Run only the runs whose index is I modulo N (0 <= I < N).")
    String shard;

    // not required = true: picocli would then demand it before "sweep merge" too
    @Option(names = "--out", paramLabel = "DIR", description = "Sweep directory (required; created; re-running resumes).")
    Path out;

    @picocli.CommandLine.Mixin
    BackendOptions backendOptions;

    @Option(names = "--checkpoint-every", paramLabel = "N|Nepochs",
            description = "Also checkpoint each run every N iterations or N epochs (a stop by SIGTERM or Ctrl-C always writes one).")
    String checkpointEvery;

    @Option(names = "--jobs", paramLabel = "N|auto", defaultValue = "1", description = {
            "Runs at once in this process, sharing the loaded data (default ${DEFAULT-VALUE}); each on --threads"
                    + " threads, or cores / N. auto: one single-threaded run per core when batches are small,"
                    + " else one run on every core (docs/cli.md)."})
    String jobs;

    @Option(names = "--save-models", description = "Keep each run's model (off: run.json only).")
    boolean saveModels;

    @Option(names = "--verbose", description = "Show each run's training progress.")
    boolean verbose;

    @picocli.CommandLine.Mixin
    DebugOption debug;

    @picocli.CommandLine.Mixin(name = "settings")
    CommandSpec settings = ConfigOptions.mixin();

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (out == null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=DIR'");
        Map<String, String> common = ConfigOptions.given(settings);
        if (common.containsKey("variant") || common.containsKey("seed")) {
            throw new BadInputException("use --variants and --seeds in a sweep, not --variant or --seed");
        }
        List<SweepRun> plan = SweepPlan.plan(List.of(variants.split(",")), SweepPlan.parseSeeds(seeds),
                SweepPlan.parseGrid(grid));
        int[] shardSpec;
        try {
            shardSpec = shard == null ? new int[] {0, 1} : SweepPlan.parseShard(shard);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(out + ": --shard " + e.getMessage().replaceFirst("^shard: ", "")
                    + "; nothing written", e);
        }
        List<SweepRun> mine = shard == null ? plan : SweepPlan.shard(plan, shard);
        FileCheckpoints.Interval every = checkpointEvery == null ? null : FileCheckpoints.Interval.parse(checkpointEvery);
        String backendKind = backendOptions.resolve(note -> { }).kind();  // the kind alone: threads come with --jobs

        Path scratch = null;
        try {
            Dataset ds;
            Map<String, String> base = new LinkedHashMap<>();
            String source;
            if (data != null) {
                // loading 1,610 feature files takes a while: the same progress as train's (bar on a terminal)
                try (ProgressReporter loading = new ProgressReporter(ProgressReporter.modeFor(false), System.out,
                        System.err)) {
                    ds = DataChoice.load(data, loading);
                }
                source = data.toAbsolutePath().normalize().toString();
            } else {
                scratch = Files.createTempDirectory("gcl-sweep-data");
                ds = DataChoice.generatedDemo(scratch, 1);
                base.putAll(DemoSettings.GENERATED);
                source = "built-in generated demo (seed 1)";
                stdout.println("no --data: the built-in generated demo dataset with settings " + base);
            }
            base.putAll(common);
            // every run's config must build before the first run starts; the plan's identity covers all of them
            Map<SweepRun, Map<String, String>> allConfigs = new LinkedHashMap<>();
            Map<SweepRun, GclConfig> configs = new LinkedHashMap<>();
            for (SweepRun r : plan) {
                GclConfig c = config(base, r);
                allConfigs.put(r, ConfigKeys.toMap(c));
                if (mine.contains(r)) configs.put(r, c);
            }
            SweepJobs jobPlan = jobs(backendKind, configs, ds, SweepResults.completed(out));
            BackendChoice.Resolved backends = BackendChoice.resolve(backendOptions.backend, jobPlan.threadsPerRun(),
                    BackendChoice.precision(backendOptions.precision), stdout::println);
            stdout.println(String.format(Locale.ROOT, "%d run%s at once, %d thread%s each (%s)", jobPlan.jobs(),
                    jobPlan.jobs() == 1 ? "" : "s", jobPlan.threadsPerRun(), jobPlan.threadsPerRun() == 1 ? "" : "s",
                    jobPlan.why()));
            boolean oneAtATime = jobPlan.jobs() == 1;
            if (verbose && !oneAtATime) stdout.println("--verbose: each run's training progress shows with --jobs 1 only");
            ProgressReporter progress = new ProgressReporter(verbose && oneAtATime ? ProgressReporter.modeFor(false)
                    : ProgressReporter.Mode.QUIET, System.out, System.err);
            String fingerprint = DataFingerprint.of(ds.train());
            SweepManifest wanted = new SweepManifest(SweepManifest.planId(allConfigs), fingerprint, shardSpec[0],
                    shardSpec[1], plan.size(), mine.stream().map(SweepRun::id).toList(), List.of());
            Files.createDirectories(out);
            // the lock first: two tasks starting at once on one folder must not both pass the checks below
            try (SweepLock lock = SweepLock.acquire(out)) {
                if (SweepManifest.exists(out)) {
                    String conflict = SweepManifest.read(out).conflictWith(wanted, out);
                    if (conflict != null) throw new BadInputException(conflict);
                } else if (Files.isDirectory(out.resolve("runs")) && !isEmpty(out.resolve("runs"))) {
                    throw new BadInputException(out + ": holds runs but no " + SweepManifest.FILE
                            + " (written by an older gcl, or not a sweep folder); use another --out");
                }
                Files.createDirectories(out.resolve("runs"));
                wanted.write(out);
                return runAll(configs, ds, source, fingerprint, every, backends, jobPlan.jobs(), progress, stdout);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (scratch != null) {
                try {
                    AtomicDirectory.deleteRecursively(scratch);
                } catch (IOException ignored) {
                    // a temporary copy of generated data; the OS cleans the temp folder
                }
            }
        }
    }

    /**
     * Runs this folder's runs, {@code jobs} at a time on their own threads, on the one loaded data set: finished
     * ones are skipped, one with a checkpoint continues from it, one that fails is recorded and the others go on.
     * SIGTERM (Slurm's scancel and requeue) or Ctrl-C checkpoints every run in progress, starts no other, and ends
     * with 130 once all of them have written their checkpoints.
     */
    private int runAll(Map<SweepRun, GclConfig> configs, Dataset ds, String source, String fingerprint,
                       FileCheckpoints.Interval every, BackendChoice.Resolved backends, int jobs,
                       ProgressReporter progress, PrintWriter stdout) {
        Set<String> done = SweepResults.completed(out);
        List<PendingRun> pending = new ArrayList<>();
        int k = 0;
        for (Map.Entry<SweepRun, GclConfig> e : configs.entrySet()) {
            k++;
            Path checkpoint = out.resolve(CHECKPOINTS).resolve(e.getKey().id());
            AtomicDirectory.settle(checkpoint);  // under the lock: what a killed task left beside it
            if (done.contains(e.getKey().id())) {
                // a task killed after the run finished and before (or while) its checkpoint was removed
                if (CheckpointFiles.exists(checkpoint)) deleteQuietly(checkpoint);
                continue;
            }
            // every checkpoint is checked before any run starts: a bad one stops the sweep with nothing begun
            pending.add(new PendingRun(e.getKey(), e.getValue(), String.format(Locale.ROOT, "run %d/%d %s", k,
                    configs.size(), e.getKey().id()), checkpoint, resumeState(checkpoint, e.getValue(), fingerprint)));
        }
        int skipped = configs.size() - pending.size();
        RunTally tally = new RunTally(configs.size(), skipped);
        StopSignal stop = StopSignal.install();
        try {
            stop.trainingStarted();
            ConcurrentRuns.run(pending, jobs, stop::requested, run -> runOne(run, ds, source, fingerprint, every,
                    backends, jobs, progress, stop, tally, stdout));
            if (tally.interrupted() > 0 || stop.requested()) {  // a stop between iterations also starts no other run
                stdout.println("interrupted: " + tally.interrupted() + " run" + (tally.interrupted() == 1 ? "" : "s")
                        + " checkpointed; the same command (or a requeued task) continues " + (tally.interrupted() == 1
                        ? "it" : "them"));
                stdout.flush();
                return Main.INTERRUPTED;
            }
            stop.done();  // training is over: from here a signal ends the JVM at once, as between runs before
            deleteEmpty(out.resolve(CHECKPOINTS));
            if (skipped > 0) stdout.println("skipped " + skipped + " runs already complete in " + out);
            List<SweepResults.Group> groups = SweepResults.writeAll(out);
            stdout.print(SweepResults.format(groups));
            stdout.println("wrote " + out.resolve("results.csv") + ", results.jsonl, summary.csv"
                    + (groups.isEmpty() ? "" : ", boxplot.png"));
            if (tally.failed() > 0) {
                stdout.println(tally.failed() + " of " + configs.size() + " runs failed; their errors are in results.jsonl");
                return Main.INTERNAL_ERROR;
            }
            return Main.OK;
        } finally {
            stdout.flush();
            stop.done();
        }
    }

    /** A run still to do: its plan entry, config, the "run k/n id" head of its lines, checkpoint folder and state. */
    private record PendingRun(SweepRun run, GclConfig config, String head, Path checkpoint, TrainerState resumeFrom) {}

    /** One run on a worker thread: trains, writes its folder, removes its checkpoint; a failure is recorded. */
    private void runOne(PendingRun p, Dataset ds, String source, String fingerprint, FileCheckpoints.Interval every,
                        BackendChoice.Resolved backends, int jobs, ProgressReporter progress, StopSignal stop,
                        RunTally tally, PrintWriter stdout) {
        SweepRun r = p.run();
        tally.started();
        if (p.resumeFrom() != null) {
            stdout.println(p.head() + ": continuing from its checkpoint (before iteration "
                    + p.resumeFrom().position().globalIteration() + ")");
        } else if (jobs > 1) {
            stdout.println(p.head() + ": started; " + tally.line());
        }
        stdout.flush();
        FileCheckpoints policy = new FileCheckpoints(p.checkpoint(), every, p.config(), source, fingerprint,
                Map.of("sweep_id", r.id(), "sweep_dir", out.toAbsolutePath().normalize().toString()), stop,
                progress::onMessage, p.resumeFrom() == null ? 0 : p.resumeFrom().history().size());
        try (AtomicDirectory dir = AtomicDirectory.create(out.resolve("runs").resolve(r.id()), true)) {
            TrainingRun run = new TrainingRun("sweep", progress, false, false, saveModels);
            TrainingRun.Summary s = run.trainEvaluateAndSave(dir.path(), ds, source, p.config(), backends,
                    rep -> describe(rep, r),
                    new TrainAndEvaluate.Controls(policy, NanPolicy.STOP, p.resumeFrom()));
            dir.commit();
            deleteQuietly(p.checkpoint());  // the run is complete (deleted in one step: no half checkpoint)
            tally.finished();
            stdout.println(p.head() + ": " + (s.metrics() == null ? "no test split"
                    : String.format(Locale.ROOT, "AUC %.4f, AP %.4f", s.metrics().rocAuc(),
                    s.metrics().averagePrecision())) + String.format(Locale.ROOT, " (%.1f s); ", s.seconds())
                    + tally.line());
        } catch (TrainingStoppedException stopped) {
            tally.interruptedOne();
            stdout.println(p.head() + ": interrupted: wrote the checkpoint " + p.checkpoint()
                    + "; the same command (or a requeued task) continues it");
        } catch (RuntimeException | OutOfMemoryError ex) {
            // not this run's fault: stop the sweep (no further run starts), keep its checkpoint
            if (dev.gcl.io.DiskFull.causes(ex)) throw ex;
            // an OutOfMemoryError of one run leaves the others their memory once its buffers are gone
            tally.failedOne();
            recordFailure(r, p.config(), ex);
            stdout.println(p.head() + ": FAILED: " + ex.getMessage() + "; " + tally.line());
            if (debug.debug) ex.printStackTrace(spec.commandLine().getErr());
        } finally {
            stdout.flush();
        }
    }

    /** --jobs and --threads resolved for the runs of this folder still to do, on this data ({@link SweepJobs}). */
    private SweepJobs jobs(String backendKind, Map<SweepRun, GclConfig> configs, Dataset ds, Set<String> complete) {
        int rows = ds.train().rows(), dim = ds.train().dim();
        long batchFloats = 0, bytesPerRun = 0;
        int runs = 0;
        for (Map.Entry<SweepRun, GclConfig> e : configs.entrySet()) {
            if (complete.contains(e.getKey().id())) continue;
            runs++;
            GclConfig c = e.getValue();
            batchFloats = Math.max(batchFloats, (long) Math.min(c.batchSize(), rows) * dim);
            bytesPerRun = Math.max(bytesPerRun, bytesPerRun(c, rows, dim));
        }
        Runtime rt = Runtime.getRuntime();
        long memory = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        try {
            return SweepJobs.choose(jobs, backendOptions.threads, new SweepJobs.Workload(backendKind,
                    rt.availableProcessors(), runs, batchFloats, bytesPerRun, memory));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage() + "; nothing written", e);
        }
    }

    /**
     * What one run holds besides the shared data, in bytes: weights, gradients and the two RMSprop states of both
     * networks, activations and their gradients for a batch, and the trainer's batch-sized buffers.
     */
    static long bytesPerRun(GclConfig c, int rows, int dim) {
        long batch = Math.min(c.batchSize(), rows), params = 0, widths = 0;
        for (int[] net : new int[][] {c.generatorDims(dim), c.discriminatorDims(dim)}) {
            for (int l = 0; l + 1 < net.length; l++) params += (long) net[l + 1] * (net[l] + 1);
            for (int w : net) widths += w;
        }
        return 4 * (4 * params + 2 * batch * widths + 6 * batch * dim);
    }

    /** The state to continue from when the run left a checkpoint (a stop or a requeue), else null. */
    private static TrainerState resumeState(Path checkpoint, GclConfig config, String fingerprint) {
        if (!CheckpointFiles.exists(checkpoint)) return null;
        CheckpointFiles.Checkpoint c = CheckpointFiles.read(checkpoint);
        if (!fingerprint.equals(c.dataFingerprint())) {
            throw new BadInputException(checkpoint + ": a checkpoint of other data (fingerprint " + c.dataFingerprint()
                    + ", --data has " + fingerprint + "); delete it to start the run afresh");
        }
        if (!config.equals(c.config())) {
            throw new BadInputException(checkpoint + ": a checkpoint of other settings than this run's; delete it"
                    + " to start the run afresh");
        }
        return c.state();
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static void deleteEmpty(Path dir) {
        try {
            if (Files.isDirectory(dir) && isEmpty(dir)) Files.delete(dir);
        } catch (IOException ignored) {
            // an empty folder left behind is harmless
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            AtomicDirectory.delete(p);
        } catch (IOException ignored) {
            // a leftover checkpoint of a finished run is skipped with the run
        }
    }

    static GclConfig config(Map<String, String> base, SweepRun r) {
        Map<String, String> all = new LinkedHashMap<>(base);
        all.putAll(r.settings());
        all.put("variant", r.variant());
        all.put("seed", Long.toString(r.seed()));
        try {
            return ConfigKeys.applyAll(GclConfig.builder(), all).build();
        } catch (IllegalArgumentException e) {
            throw new BadInputException("run " + r.id() + ": " + e.getMessage(), e);
        }
    }

    private static void describe(ObjectNode report, SweepRun r) {
        report.put("sweep_id", r.id());
        report.set("settings", RunReport.JSON.valueToTree(r.settings()));
    }

    /** A failed run's run.json: status failed and the error, so results list it and a re-run retries it. */
    private void recordFailure(SweepRun r, GclConfig config, Throwable ex) {
        ObjectNode report = RunReport.create("sweep");
        report.put("status", "failed");
        report.put("error", String.valueOf(ex.getMessage()));
        describe(report, r);
        report.put("variant", r.variant());
        report.put("seed", r.seed());
        ObjectNode c = report.putObject("config");
        ConfigKeys.toMap(config).forEach(c::put);
        try (AtomicDirectory dir = AtomicDirectory.create(out.resolve("runs").resolve(r.id()), true)) {
            RunReport.write(report, dir.path().resolve("run.json"));
            dir.commit();
        }
    }

    /**
     * {@code gcl sweep merge DIR... --out DIR}: joins the shard folders of one sweep into one folder and summarises.
     * Every check runs before anything is written: the folders must be the shards of one plan on one data set,
     * each shard exactly once, each finished and no longer locked by a writer. The merged folder then appears
     * whole (written beside it and renamed), so a merge that fails or is killed leaves the previous one intact.
     */
    @Command(name = "merge", description = "Join the shard folders of one sweep and summarise them (all shards must have finished).")
    static final class Merge implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(paramLabel = "SHARD_DIR", arity = "1..*", description = "Sweep directories to join.")
        List<Path> shards;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "The merged sweep directory (replaced if it holds an earlier merge).")
        Path out;

        @picocli.CommandLine.Mixin
        DebugOption debug;

        @Override
        public Integer call() throws IOException {
            PrintWriter stdout = spec.commandLine().getOut();
            Map<Integer, Path> byIndex = new TreeMap<>();
            Map<Path, SweepManifest> manifests = new LinkedHashMap<>();
            Path outAbs = out.toAbsolutePath().normalize();
            SweepManifest first = null;
            Path firstDir = null;
            for (Path shard : shards) {
                if (!Files.isDirectory(shard)) throw new BadInputException(shard + ": no such sweep folder");
                if (shard.toAbsolutePath().normalize().equals(outAbs)) {
                    throw new BadInputException(shard + ": is also --out; merge into a folder of its own");
                }
                SweepManifest m = SweepManifest.read(shard);
                if (m.merged()) throw new BadInputException(shard + ": is a merged folder, not a shard; merge the shard folders");
                if (first == null) {
                    first = m;
                    firstDir = shard;
                } else if (!m.planId().equals(first.planId())) {
                    throw new BadInputException(shard + ": a shard of another sweep plan (plan " + m.planId() + ", "
                            + firstDir + " has " + first.planId() + ")");
                } else if (!m.dataFingerprint().equals(first.dataFingerprint())) {
                    throw new BadInputException(shard + ": a shard on other data (fingerprint " + m.dataFingerprint()
                            + ", " + firstDir + " has " + first.dataFingerprint() + ")");
                } else if (m.shardCount() != first.shardCount()) {
                    throw new BadInputException(shard + ": shard " + m.shardLabel() + " of a split into "
                            + m.shardCount() + ", " + firstDir + " is " + first.shardLabel());
                }
                Path twin = byIndex.putIfAbsent(m.shardIndex(), shard);
                if (twin != null) {
                    throw new BadInputException(shard + ": shard " + m.shardLabel() + " is given twice (also " + twin + ")");
                }
                if (SweepLock.held(shard)) {
                    throw new BadInputException(shard + ": shard " + m.shardLabel() + " is still running ("
                            + SweepLock.holder(shard) + "); merge after every shard has finished");
                }
                List<String> missing = new ArrayList<>();
                for (String id : m.runIds()) if (!Files.isRegularFile(shard.resolve("runs").resolve(id).resolve("run.json"))) missing.add(id);
                if (!missing.isEmpty()) {
                    throw new BadInputException(shard + ": shard " + m.shardLabel() + " has not finished: " + missing.size()
                            + " of " + m.runIds().size() + " runs have no result (" + String.join(", ",
                            missing.subList(0, Math.min(3, missing.size()))) + (missing.size() > 3 ? ", ..." : "") + ")");
                }
                manifests.put(shard, m);
            }
            for (int i = 0; i < first.shardCount(); i++) {
                if (!byIndex.containsKey(i)) {
                    throw new BadInputException(out + ": shard " + i + "/" + first.shardCount() + " is missing (given: "
                            + byIndex.values().stream().map(Path::toString).reduce((a, b) -> a + " " + b).orElse("") + ")");
                }
            }
            AtomicDirectory.settle(out);  // an earlier merge killed while replacing its folder: put it back first
            if (Files.exists(out) && !(Files.isDirectory(out) && (isEmpty(out)
                    || (SweepManifest.exists(out) && SweepManifest.read(out).merged())))) {
                throw new BadInputException(out + ": exists and is not an earlier merge; give a new --out");
            }

            List<String> ids = new ArrayList<>();
            List<SweepResults.Group> groups;
            try (AtomicDirectory dest = AtomicDirectory.create(out, true)) {
                Path runs = Files.createDirectories(dest.path().resolve("runs"));
                for (Map.Entry<Path, SweepManifest> e : manifests.entrySet()) {
                    // only the runs the shard owns: a stray copy elsewhere is never counted twice
                    for (String id : e.getValue().runIds()) {
                        try {
                            copyTree(e.getKey().resolve("runs").resolve(id), runs.resolve(id));
                        } catch (IOException ex) {
                            throw dev.gcl.io.DiskFull.orUnchecked(out, "cannot copy " + id + " into " + out, ex);
                        }
                        ids.add(id);
                        dev.gcl.io.CrashPoint.reached("merge-copied");
                    }
                }
                new SweepManifest(first.planId(), first.dataFingerprint(), 0, 1, first.planRuns(), ids,
                        manifests.keySet().stream().map(p -> p.toAbsolutePath().normalize().toString()).toList())
                        .write(dest.path());
                groups = SweepResults.writeAll(dest.path());
                dest.commit();
            }
            stdout.printf("merged %d runs from %d shard folders into %s%n", ids.size(), shards.size(), out);
            stdout.print(SweepResults.format(groups));
            stdout.flush();
            return Main.OK;
        }

        private static void copyTree(Path from, Path to) throws IOException {
            try (var files = Files.walk(from)) {
                for (Path p : files.toList()) {
                    Path t = to.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(t);
                    else Files.copy(p, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
