package dev.gcl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gcl.synth.SyntheticConfig;
import dev.gcl.synth.SyntheticDatasetGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * examples/slurm/ against a live single-node Slurm: submit.sh submits the array job (2 variants x 2 seeds over 2
 * tasks) and the merge job unchanged, configured only through the environment; task 1 is requeued once while it
 * trains, and must continue from its checkpoint; the merged results must equal a single-machine sweep of the same
 * plan. Skips, saying why, where slurm-wlm or munge is missing, or the daemons cannot start.
 */
class SlurmSweepTest {
    /** 31 iterations an epoch on the small generated set; each run trains for about a second or two. */
    static final String SETTINGS = "--epochs 16 --pretrain-epochs 2 --batch 32 --lr 1e-3 --g-hidden 32,16,32"
            + " --d-hidden 16 --cleaning quantile";
    static final Path EXAMPLES = dev.gcl.testing.TestData.REPO.resolve("examples/slurm");

    @Test
    void arrayJobWithARequeuedTaskMergesToTheSingleMachineSweep(@TempDir Path tmp) throws Exception {
        String why = LocalSlurm.whyUnavailable();
        if (why != null) skip("live Slurm test skipped: " + why);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        new SyntheticDatasetGenerator(SyntheticConfig.small(3)).write(tmp.resolve("data"));
        Path data = tmp.resolve("data/dataset.yaml"), sweepDir = tmp.resolve("sweep");

        // the same plan on this machine, for comparison
        List<String> single = new ArrayList<>(List.of("sweep", "--data", data.toString(), "--seeds", "0-1",
                "--variants", "gcl-b,gcl-pt", "--out", tmp.resolve("single").toString(), "--backend", "cpu"));
        single.addAll(List.of(SETTINGS.split(" ")));
        CliTest.Result reference = CliTest.run(single.toArray(String[]::new));
        assertEquals(Main.OK, reference.code(), reference.err());

        String classpath = System.getProperty("java.class.path");
        assertFalse(classpath.contains(" "), "the job scripts split GCL_CMD at spaces: " + classpath);
        String gclCmd = Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx512m -Djava.io.tmpdir="
                + Files.createDirectories(tmp.resolve("jtmp")) + " -cp " + classpath + " " + Main.class.getName();

        LocalSlurm slurm;
        try {
            slurm = LocalSlurm.start(tmp.resolve("slurm"));
        } catch (IllegalStateException e) {
            skip("live Slurm test skipped: the daemons did not start: " + e.getMessage());
            return;
        }
        StringBuilder transcript = new StringBuilder();
        Path sockets = slurm.socketDir();
        try (slurm) {
            assertTrue(sockets.toString().length() < 40, "the sockets' folder is short whatever tmp is: " + sockets);
            Map<String, String> env = new TreeMap<>(slurm.environment());
            env.putAll(LocalSlurm.map("DATA", data.toString(), "SWEEP_DIR", sweepDir.toString(), "SEEDS", "0-1",
                    "VARIANTS", "gcl-b,gcl-pt", "SHARDS", "2", "CPUS_PER_TASK", "1", "GPUS_PER_TASK", "0", "MEM", "1G",
                    "TIME", "00:10:00", "BACKEND", "cpu", "GCL_CMD", gclCmd,
                    "GCL_ARGS", SETTINGS + " --checkpoint-every 1epochs"));
            LocalSlurm.Output submitted = LocalSlurm.run(List.of("bash", EXAMPLES.resolve("submit.sh").toString()),
                    env, tmp, 60);
            transcript.append("$ examples/slurm/submit.sh\n").append(submitted.text());
            assertEquals(0, submitted.code(), submitted.text() + "\n" + slurm.diagnosis());
            String array = jobId(submitted.text(), "array job"), merge = jobId(submitted.text(), "merge job");

            // requeue task 1 while its first run trains (it has written a checkpoint)
            Path checkpoints = sweepDir.resolve("shards/1/checkpoints");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!hasCheckpoint(checkpoints)) {
                assertTrue(System.nanoTime() < end, "task 1 wrote no checkpoint within 90 s; "
                        + LocalSlurm.tail(sweepDir.resolve("logs/shard-1.out")) + "; " + snapshot(slurm) + "\n"
                        + slurm.diagnosis());
                Thread.sleep(50);
            }
            LocalSlurm.Output requeue = slurm.client("scontrol", "requeue", array + "_1");
            assertEquals(0, requeue.code(), requeue.text() + "\n" + slurm.diagnosis());
            transcript.append("$ scontrol requeue ").append(array).append("_1\n");

            String last = "";
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (true) {
                String now = snapshot(slurm);
                String states = now.replaceAll("[ \\t]+\\d+:\\d+(?=[ \\t])", "");  // a change of state, not of the clock
                if (!states.equals(last)) transcript.append("$ squeue\n").append(now);
                last = states;
                if (now.lines().count() <= 1) break;  // the header only: every job has left the queue
                assertTrue(System.nanoTime() < end, "the jobs did not finish within 150 s after the requeue:\n"
                        + transcript + LocalSlurm.tail(sweepDir.resolve("logs/shard-1.out")) + "\n" + slurm.diagnosis());
                Thread.sleep(250);
            }
            String jobs = Files.readString(slurm.logs().resolve("jobcomp.txt"));
            transcript.append("$ cat jobcomp.txt (JobCompType=jobcomp/filetxt; sacct needs slurmdbd)\n").append(jobs);
            for (String line : jobs.lines().toList()) {
                // the requeued try (22.05 records it as PENDING; some versions say REQUEUED)
                if (line.contains("ArrayTaskId=1 ") && line.matches(".*JobState=(PENDING|REQUEUED) .*")) continue;
                assertTrue(line.contains("JobState=COMPLETED"), "every job completes: " + line + "\n" + slurm.diagnosis());
            }
            assertEquals(4, jobs.lines().count(), "two array tasks, the requeued try, the merge:\n" + jobs);
            assertTrue(jobs.contains("JobId=" + merge + " "), jobs);
        } finally {
            System.out.println("SlurmSweepTest transcript:\n" + transcript);
        }

        assertFalse(Files.exists(sockets), "closing the cluster removes its sockets' folder " + sockets);

        String log1 = Files.readString(sweepDir.resolve("logs/shard-1.out"));
        System.out.println("logs/shard-1.out:\n" + log1);
        assertTrue(log1.contains("restart 1"), log1);
        assertTrue(log1.contains("interrupted: wrote the checkpoint"), log1);
        assertTrue(log1.contains("continuing from its checkpoint"), log1);
        assertTrue(log1.contains("task 1 exit 0"), log1);
        String mergeLog = Files.readString(sweepDir.resolve("logs/merge.out"));
        System.out.println("logs/merge.out:\n" + mergeLog);
        assertTrue(mergeLog.contains("merged 4 runs from 2 shard folders"), mergeLog);
        assertTrue(mergeLog.contains("gcl-pt") && mergeLog.contains("(2 runs, min"), "the summary is in the log: " + mergeLog);

        Path merged = sweepDir.resolve("merged");
        assertEquals(5, Files.readAllLines(merged.resolve("results.csv")).size(), "header + 4 runs, none twice");
        assertEquals(auc(tmp.resolve("single")), auc(merged), "the same AUC for every run as on one machine");
        assertEquals(Files.readString(tmp.resolve("single/summary.csv")), Files.readString(merged.resolve("summary.csv")));
        assertTrue(Files.isRegularFile(merged.resolve("boxplot.png")));
        System.out.println("merged/summary.csv:\n" + Files.readString(merged.resolve("summary.csv")));

        // nothing of ours still runs
        String root = tmp.toString();
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            List<String> left = all.filter(p -> p.info().commandLine().orElse("").contains(root))
                    .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList();
            assertTrue(left.isEmpty(), "processes left behind: " + left);
        }
    }

    static String jobId(String submitOutput, String label) {
        Matcher m = Pattern.compile(label + " (\\d+)").matcher(submitOutput);
        assertTrue(m.find(), "submit.sh printed no " + label + " id: " + submitOutput);
        return m.group(1);
    }

    static boolean hasCheckpoint(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) return false;
        try (Stream<Path> s = Files.list(checkpoints)) {
            return s.anyMatch(d -> Files.isRegularFile(d.resolve("state.json")));
        }
    }

    static String snapshot(LocalSlurm slurm) {
        return slurm.client("squeue", "-o", "%.10i %.16j %.2t %.8M %.12r %N").text();
    }

    /** Each run's frame ROC AUC from results.jsonl, by run id. */
    static Map<String, Double> auc(Path sweepDir) throws IOException {
        Map<String, Double> m = new TreeMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(sweepDir.resolve("results.jsonl"))) {
            JsonNode r = json.readTree(line);
            assertEquals("ok", r.get("status").asText(), line);
            m.put(r.get("id").asText(), r.get("auc_roc").asDouble());
        }
        return m;
    }

    /** Aborts the test, printing the reason too: Surefire's console summary counts skips but does not say why. */
    private static void skip(String reason) {
        System.out.println(reason);
        abort(reason);
    }
}
