package dev.gcl.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.ConfigKeys;
import dev.gcl.GclConfig;
import dev.gcl.data.Dataset;
import dev.gcl.io.AtomicDirectory;
import dev.gcl.sweep.SweepPlan;
import dev.gcl.sweep.SweepResults;
import dev.gcl.sweep.SweepRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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

    @Option(names = "--save-models", description = "Keep each run's model (off: run.json only).")
    boolean saveModels;

    @Option(names = "--verbose", description = "Show each run's training progress.")
    boolean verbose;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    @Mixin
    ConfigOptions settings;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        if (out == null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=DIR'");
        Map<String, String> common = settings.given();
        if (common.containsKey("variant") || common.containsKey("seed")) {
            throw new BadInputException("use --variants and --seeds in a sweep, not --variant or --seed");
        }
        List<SweepRun> plan = SweepPlan.plan(List.of(variants.split(",")), SweepPlan.parseSeeds(seeds),
                SweepPlan.parseGrid(grid));
        List<SweepRun> mine = shard == null ? plan : SweepPlan.shard(plan, shard);
        ProgressReporter progress = new ProgressReporter(verbose ? ProgressReporter.modeFor(false)
                : ProgressReporter.Mode.QUIET, System.out, System.err);
        BackendChoice.Resolved backends = backendOptions.resolve(stdout::println);

        Path scratch = null;
        try {
            Dataset ds;
            Map<String, String> base = new LinkedHashMap<>();
            String source;
            if (data != null) {
                ds = DataChoice.load(data);
                source = data.toString();
            } else {
                scratch = Files.createTempDirectory("gcl-sweep-data");
                ds = DataChoice.generatedDemo(scratch, 1);
                base.putAll(DemoSettings.GENERATED);
                source = "built-in generated demo (seed 1)";
                stdout.println("no --data: the built-in generated demo dataset with settings " + base);
            }
            base.putAll(common);
            // every run's config must build before the first run starts
            Map<SweepRun, GclConfig> configs = new LinkedHashMap<>();
            for (SweepRun r : mine) configs.put(r, config(base, r));

            Files.createDirectories(out.resolve("runs"));
            Set<String> done = SweepResults.completed(out);
            int failed = 0, skipped = 0, k = 0;
            for (Map.Entry<SweepRun, GclConfig> e : configs.entrySet()) {
                SweepRun r = e.getKey();
                k++;
                if (done.contains(r.id())) {
                    skipped++;
                    continue;
                }
                String head = String.format(Locale.ROOT, "run %d/%d %s", k, configs.size(), r.id());
                try (AtomicDirectory dir = AtomicDirectory.create(out.resolve("runs").resolve(r.id()), true)) {
                    RunWriter w = new RunWriter("sweep", progress, false, false, saveModels);
                    RunWriter.Summary s = w.train(dir.path(), ds, source, e.getValue(), backends, rep -> describe(rep, r));
                    dir.commit();
                    stdout.println(head + ": " + (s.metrics() == null ? "no test split"
                            : String.format(Locale.ROOT, "AUC %.4f, AP %.4f", s.metrics().rocAuc(),
                            s.metrics().averagePrecision())) + String.format(Locale.ROOT, " (%.1f s)", s.seconds()));
                } catch (RuntimeException ex) {
                    failed++;
                    recordFailure(r, e.getValue(), ex);
                    stdout.println(head + ": FAILED: " + ex.getMessage());
                    if (debug) ex.printStackTrace();
                }
            }
            if (skipped > 0) stdout.println("skipped " + skipped + " runs already complete in " + out);
            List<SweepResults.Group> groups = SweepResults.writeAll(out);
            stdout.print(SweepResults.format(groups));
            stdout.println("wrote " + out.resolve("results.csv") + ", results.jsonl, summary.csv"
                    + (groups.isEmpty() ? "" : ", boxplot.png"));
            if (failed > 0) {
                stdout.println(failed + " of " + configs.size() + " runs failed; their errors are in results.jsonl");
                return Main.INTERNAL_ERROR;
            }
            return Main.OK;
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
    private void recordFailure(SweepRun r, GclConfig config, RuntimeException ex) {
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

    /** {@code gcl sweep merge DIR... --out DIR}: joins shard directories into one and summarises. */
    @Command(name = "merge", description = "Join the run directories of sweep shards and summarise them.")
    static final class Merge implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Parameters(paramLabel = "SHARD_DIR", arity = "1..*", description = "Sweep directories to join.")
        List<Path> shards;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "The merged sweep directory.")
        Path out;

        @Option(names = "--debug", description = "Show stack traces of errors.")
        boolean debug;

        @Override
        public Integer call() throws IOException {
            PrintWriter stdout = spec.commandLine().getOut();
            Files.createDirectories(out.resolve("runs"));
            int copied = 0, same = 0;
            for (Path shard : shards) {
                Path runs = shard.resolve("runs");
                if (!Files.isDirectory(runs)) throw new BadInputException(shard + ": not a sweep directory (no runs/)");
                try (var dirs = Files.list(runs)) {
                    for (Path d : dirs.sorted().toList()) {
                        if (!Files.isRegularFile(d.resolve("run.json"))) continue;
                        Path target = out.resolve("runs").resolve(d.getFileName().toString());
                        if (target.toAbsolutePath().normalize().equals(d.toAbsolutePath().normalize())) {
                            same++;
                            continue;
                        }
                        if (Files.isRegularFile(target.resolve("run.json")) && isOk(target) && !isOk(d)) continue;
                        try (AtomicDirectory dest = AtomicDirectory.create(target, true)) {
                            copyTree(d, dest.path());
                            dest.commit();
                        }
                        copied++;
                    }
                }
            }
            List<SweepResults.Group> groups = SweepResults.writeAll(out);
            stdout.printf("merged %d runs from %d directories into %s%n", copied + same, shards.size(), out);
            stdout.print(SweepResults.format(groups));
            return Main.OK;
        }

        private static boolean isOk(Path runDir) throws IOException {
            return Files.readString(runDir.resolve("run.json")).contains("\"status\" : \"ok\"");
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
