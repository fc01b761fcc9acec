package dev.gcl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the crash tests share: child JVMs of the gcl tool that die by SIGKILL at a named point
 * ({@code -Dgcl.crashAt}, see {@link dev.gcl.io.CrashPoint}) or after a delay ({@link Process#destroyForcibly()}
 * sends SIGKILL on Linux), the choice of points from a recorded uninterrupted run, and checks of what a kill left.
 */
final class CrashKills {
    /** Exit status of a JVM ended by SIGKILL (128 + 9). */
    static final int KILLED = 137;

    private CrashKills() {}

    /** One kill: the N-th time the named point is reached (delayMillis < 0), or after delayMillis. */
    record Kill(String point, int nth, long delayMillis) {
        static Kill at(String point, int nth) {
            return new Kill(point, nth, -1);
        }

        static Kill after(long millis) {
            return new Kill(null, 0, millis);
        }

        boolean timed() {
            return point == null;
        }

        @Override
        public String toString() {
            return timed() ? "SIGKILL after " + delayMillis + " ms" : point + "@" + nth;
        }
    }

    /** How a child ended: its exit status, its output, and how long it ran. */
    record Ended(int code, String log, long millis) {}

    /**
     * Runs the tool in a child JVM (small heap, fast start-up) with args, killed as kill says; output goes to
     * log. Waits at most 3 minutes.
     */
    static Ended child(Path workDir, Kill kill, Path log, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-Djava.io.tmpdir=" + Files.createDirectories(workDir.resolve("jtmp"))));
        if (kill != null && !kill.timed()) cmd.add("-Dgcl.crashAt=" + kill.point() + "@" + kill.nth());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (kill != null && kill.timed() && !p.waitFor(kill.delayMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
        }
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            fail("the child did not end within 3 minutes: " + cmd);
        }
        return new Ended(p.exitValue(), Files.readString(log), (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Kill points spread over a recorded run: every point's first and last occurrence, and the middle one of the
     * points named in middleToo.
     */
    static List<Kill> spreadOver(List<String> recorded, List<String> middleToo) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String p : recorded) counts.merge(p, 1, Integer::sum);
        List<Kill> kills = new ArrayList<>();
        counts.forEach((point, n) -> {
            kills.add(Kill.at(point, 1));
            if (n > 2 && middleToo.contains(point)) kills.add(Kill.at(point, (n + 1) / 2));
            if (n > 1) kills.add(Kill.at(point, n));
        });
        return kills;
    }

    /** The kill that lands at index i of the recorded run (the how-many-th occurrence of the point there). */
    static Kill atIndex(List<String> recorded, int i) {
        String point = recorded.get(i);
        int nth = 0;
        for (int j = 0; j <= i; j++) if (recorded.get(j).equals(point)) nth++;
        return Kill.at(point, nth);
    }

    /** Where in the recorded run the kill lands (index into recorded), -1 for a timed kill. */
    static int position(List<String> recorded, Kill k) {
        if (k.timed()) return -1;
        int seen = 0;
        for (int i = 0; i < recorded.size(); i++) {
            if (recorded.get(i).equals(k.point()) && ++seen == k.nth()) return i;
        }
        throw new IllegalArgumentException(k + " is not in the recorded run");
    }

    /** The stage of the run a point belongs to, for the report of where the kills landed. */
    static String stage(String point) {
        if (point == null) return "timed";
        if (point.equals("data-loaded")) return "loading";
        if (point.equals("iteration")) return "training";
        if (point.startsWith("checkpoint-") || point.endsWith("-checkpoint") || point.contains("checkpoints")) {
            return "checkpoint write";
        }
        if (point.equals("evaluated-video")) return "evaluation";
        if (point.startsWith("model-") || point.endsWith("/model")) return "model write";
        return "report write";
    }

    /** Hidden entries (staging, set-aside or temporary files) anywhere under dir. */
    static List<String> hiddenUnder(Path dir) throws IOException {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir) && p.getFileName().toString().startsWith("."))
                    .map(p -> dir.relativize(p).toString()).toList();
        }
    }
}
