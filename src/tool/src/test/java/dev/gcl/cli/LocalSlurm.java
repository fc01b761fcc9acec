package dev.gcl.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Slurm cluster (controller and one compute node on this host) for tests: munged, slurmctld and
 * slurmd as child processes of the test JVM, with their key, ports, state and logs in one folder, and their Unix
 * sockets (munged's socket, slurmd's spool, where slurmstepd makes one socket per job step) in a short folder under
 * /tmp, whatever the path of the given folder: a Unix socket path may not exceed 108 bytes, and a clone in an
 * ordinary home folder puts the test's temporary folder past that. Client commands (sbatch, squeue, scontrol) find
 * it through {@code SLURM_CONF}. {@link #close()} cancels what is left, stops each daemon by its pid and removes the
 * socket folder; a shutdown hook does the same if the JVM ends first.
 */
final class LocalSlurm implements AutoCloseable {
    /** The output of a client command. */
    record Output(int code, String text) {}

    private static final List<String> DAEMONS = List.of("munged", "slurmctld", "slurmd");
    private static final List<String> CLIENTS = List.of("munge", "sbatch", "squeue", "scontrol", "scancel", "sinfo");

    private final Path dir;
    private final Path conf;
    /** Longest Unix socket path the kernel accepts (sun_path is 108 bytes, one of them the terminating NUL). */
    static final int MAX_SOCKET_PATH = 107;
    /** The longest name slurmstepd gives a step socket in the spool: vm_&lt;job id&gt;.&lt;step id&gt;, both 32-bit. */
    static final String LONGEST_STEP_SOCKET = "vm_4294967295.4294967295";

    /**
     * The sockets' folder, /tmp/gcl-slurm-XXXX: short whatever dir is, and open to all (munged refuses a socket
     * whose every parent folder is not, and a checkout or temporary folder may sit below a private one: mktemp -d
     * makes mode 700). Holds munge.socket and spool/.
     */
    private Path socketDir;
    private final List<Process> daemons = new ArrayList<>();
    private final Thread hook = new Thread(this::stopDaemons, "local-slurm-stop");

    private LocalSlurm(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("slurm.conf");
    }

    /** Why a local cluster cannot run here (a missing binary, not root), or null when it may. */
    static String whyUnavailable() {
        List<String> missing = new ArrayList<>();
        for (String b : concat(DAEMONS, CLIENTS)) if (find(b) == null) missing.add(b);
        if (!missing.isEmpty()) return "no " + String.join(", ", missing) + " (apt-get install slurm-wlm munge)";
        if (!"root".equals(System.getProperty("user.name"))) return "a local Slurm runs its daemons as root; this is "
                + System.getProperty("user.name");
        return null;
    }

    /**
     * Starts the cluster and waits (up to 40 s) until the node is idle. Throws {@link IllegalStateException} with
     * the reason and the daemons' last log lines when it cannot start; every daemon started is stopped first.
     */
    static LocalSlurm start(Path dir) throws IOException, InterruptedException {
        LocalSlurm s = new LocalSlurm(dir);
        Runtime.getRuntime().addShutdownHook(s.hook);
        try {
            s.startDaemons();
            return s;
        } catch (IOException | RuntimeException | InterruptedException e) {
            s.close();
            throw e;
        }
    }

    private void startDaemons() throws IOException, InterruptedException {
        // munged wants its socket folder open to all and its key private
        Path key = Files.createDirectories(dir.resolve("munge"));
        socketDir = Files.createTempDirectory(Path.of("/tmp"), "gcl-slurm-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = socketDir.resolve("munge.socket"), spool = Files.createDirectories(socketDir.resolve("spool"));
        checkSocketPath(socket);
        checkSocketPath(spool.resolve(LONGEST_STEP_SOCKET));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rwx------"));
        byte[] secret = new byte[1024];
        new SecureRandom().nextBytes(secret);
        Files.write(key.resolve("munge.key"), secret);
        Files.setPosixFilePermissions(key.resolve("munge.key"), PosixFilePermissions.fromString("r--------"));
        Path logs = Files.createDirectories(dir.resolve("log"));
        daemon(logs.resolve("munged.out"), find("munged"), "-F", "--key-file=" + key.resolve("munge.key"),
                "--socket=" + socket, "--pid-file=" + key.resolve("munged.pid"), "--log-file=" + logs.resolve("munged.log"),
                "--seed-file=" + key.resolve("munged.seed"));
        waitFor(() -> Files.exists(socket), 10, "munged did not create its socket", logs.resolve("munged.out"));

        String host = run(List.of("hostname", "-s"), Map.of()).text().strip();
        String node = run(List.of(find("slurmd"), "-C"), Map.of()).text().lines()
                .filter(l -> l.startsWith("NodeName=")).findFirst()
                .orElseThrow(() -> new IllegalStateException("slurmd -C printed no NodeName line"));
        int[] ports = freePorts(2);
        Path state = Files.createDirectories(dir.resolve("state"));
        String text = String.join("\n",
                "ClusterName=gcltest",
                "SlurmctldHost=" + host,
                "SlurmctldPort=" + ports[0],
                "SlurmdPort=" + ports[1],
                "AuthType=auth/munge",
                "CredType=cred/munge",
                // cred_expire also sets how long a requeued job waits before it may start again (default 120 s)
                "AuthInfo=socket=" + socket + ",cred_expire=5",
                "SlurmUser=root",
                "SlurmdUser=root",
                "StateSaveLocation=" + state,
                "SlurmdSpoolDir=" + spool,
                "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
                "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
                "SlurmctldLogFile=" + logs.resolve("slurmctld.log"),
                "SlurmdLogFile=" + logs.resolve("slurmd.log"),
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "JobAcctGatherType=jobacct_gather/none",
                "JobCompType=jobcomp/filetxt",
                "JobCompLoc=" + logs.resolve("jobcomp.txt"),
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core",
                "SchedulerParameters=sched_interval=1,bf_interval=1",
                "ReturnToService=2",
                "KillWait=15",
                "MinJobAge=600",
                "MpiDefault=none",
                node.replaceFirst("^NodeName=\\S+", "NodeName=" + host) + " State=UNKNOWN",
                "PartitionName=debug Nodes=" + host + " Default=YES MaxTime=INFINITE State=UP",
                "");
        Files.writeString(conf, text);
        daemon(logs.resolve("slurmctld.out"), find("slurmctld"), "-D", "-f", conf.toString());
        waitFor(() -> client("sinfo", "-h").code() == 0, 20, "slurmctld did not answer", logs.resolve("slurmctld.log"));
        daemon(logs.resolve("slurmd.out"), find("slurmd"), "-D", "-f", conf.toString());
        waitFor(() -> client("sinfo", "-h", "-N", "-o", "%T").text().strip().startsWith("idle"), 30,
                "the node did not become idle", logs.resolve("slurmd.log"));
    }

    /** The environment client commands (and jobs submitted from it) need. */
    Map<String, String> environment() {
        return Map.of("SLURM_CONF", conf.toString());
    }

    Path logs() {
        return dir.resolve("log");
    }

    /** The folder holding the daemons' Unix sockets (munge.socket, spool/); null once closed. */
    Path socketDir() {
        return socketDir;
    }

    static void checkSocketPath(Path socket) {
        int length = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_SOCKET_PATH) throw new IllegalStateException("Unix socket path " + socket + " is "
                + length + " bytes, more than the " + MAX_SOCKET_PATH + " the kernel accepts");
    }

    /**
     * What the daemons' logs say, for a failure message: from slurmctld.log, slurmd.log and munged.log, every line
     * that reports an error (error, fatal, failed, refused, too long), then the last lines of each.
     */
    String diagnosis() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("slurmctld.log", "slurmd.log", "munged.log")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(logs().resolve(name));
            } catch (IOException e) {
                out.append(name).append(": not readable (").append(e.getMessage()).append(")\n");
                continue;
            }
            out.append(name).append(", errors:\n");
            lines.stream().filter(LocalSlurm::reportsError).limit(20).forEach(l -> out.append("  ").append(l).append('\n'));
            out.append(name).append(", last lines:\n");
            lines.subList(Math.max(0, lines.size() - 6), lines.size()).forEach(l -> out.append("  ").append(l).append('\n'));
        }
        return out.toString();
    }

    static boolean reportsError(String line) {
        String l = line.toLowerCase(java.util.Locale.ROOT);
        return l.contains("error") || l.contains("fatal") || l.contains("failed") || l.contains("refused")
                || l.contains("too long");
    }

    /** Runs a Slurm client command against this cluster (at most 30 s). */
    Output client(String command, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(find(command));
        cmd.addAll(List.of(args));
        return run(cmd, environment());
    }

    /** Runs a command with extra environment, output and errors together, at most 30 s. */
    static Output run(List<String> cmd, Map<String, String> env) {
        return run(cmd, env, null, 30);
    }

    static Output run(List<String> cmd, Map<String, String> env, Path workDir, int seconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (workDir != null) pb.directory(workDir.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();  // ends when the command ends (or closes its output)
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Output(124, new String(out, StandardCharsets.UTF_8));
            }
            return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Output(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Output(130, "interrupted");
        }
    }

    private void daemon(Path log, String... cmd) throws IOException {
        daemons.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    interface Check {
        boolean ok() throws IOException;
    }

    private void waitFor(Check check, int seconds, String what, Path log) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (check.ok()) return;
            for (Process d : daemons) {
                if (!d.isAlive()) throw new IllegalStateException(what + ": a daemon ended with " + d.exitValue()
                        + "; " + tail(log));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(what + " within " + seconds + " s; " + tail(log));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return log.getFileName() + ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 4), lines.size()));
        } catch (IOException e) {
            return "no " + log.getFileName();
        }
    }

    /** Cancels every job left, then stops slurmd, slurmctld and munged (in that order) by their pids. */
    @Override
    public void close() {
        if (daemons.size() == DAEMONS.size()) {
            client("scancel", "--user=root");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end && !client("squeue", "-h").text().isBlank()) sleep(200);
        }
        stopDaemons();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running
        }
    }

    private synchronized void stopDaemons() {
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Process d = daemons.get(i);
            d.destroy();  // SIGTERM to this pid
            try {
                if (!d.waitFor(15, TimeUnit.SECONDS)) d.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                d.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        daemons.clear();
        if (socketDir != null) {
            try (var left = Files.walk(socketDir)) {
                for (Path p : left.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                System.err.println("LocalSlurm: could not remove " + socketDir + ": " + e.getMessage());
            }
            socketDir = null;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int[] freePorts(int n) throws IOException {
        int[] ports = new int[n];
        List<java.net.ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                java.net.ServerSocket s = new java.net.ServerSocket(0);
                held.add(s);
                ports[i] = s.getLocalPort();
            }
        } finally {
            for (java.net.ServerSocket s : held) s.close();
        }
        return ports;
    }

    /** The binary's path on PATH, /usr/sbin or /sbin, or null. */
    static String find(String name) {
        Map<String, String> env = System.getenv();
        List<String> dirs = new ArrayList<>(List.of(env.getOrDefault("PATH", "/usr/bin:/bin").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin"));
        for (String d : dirs) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }
}
