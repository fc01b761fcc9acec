package dev.gcl.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.gcl.io.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code sweep.json} of a sweep directory: which plan it belongs to (a hash of every run's id and full config),
 * which data (the training data's fingerprint), which shard {@code index/count} of the plan, and the ids of the
 * runs that shard owns. A re-run or requeued task checks it before touching the folder; {@code gcl sweep merge}
 * checks that its inputs are the shards of one plan on one data set and that each has finished.
 *
 * @param shardIndex 0 for an unsharded sweep (count 1)
 * @param mergedFrom the shard folders a merged directory was built from; empty for a sweep or shard folder
 */
public record SweepManifest(String planId, String dataFingerprint, int shardIndex, int shardCount, int planRuns,
                            List<String> runIds, List<String> mergedFrom) {
    public static final String FILE = "sweep.json", FORMAT = "gcl-sweep";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SweepManifest {
        runIds = List.copyOf(runIds);
        mergedFrom = List.copyOf(mergedFrom);
    }

    /** {@code 1/2}, as in {@code --shard}. */
    public String shardLabel() {
        return shardIndex + "/" + shardCount;
    }

    public boolean merged() {
        return !mergedFrom.isEmpty();
    }

    /**
     * The plan's identity: SHA-256 (first 16 hex digits) over every run's index, id and full config in plan order,
     * so two folders agree only when they would train exactly the same runs.
     */
    public static String planId(Map<SweepRun, Map<String, String>> configs) {
        StringBuilder sb = new StringBuilder();
        configs.forEach((r, c) -> sb.append(r.index()).append('\t').append(r.id()).append('\t').append(c).append('\n'));
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    public static boolean exists(Path sweepDir) {
        return Files.isRegularFile(sweepDir.resolve(FILE));
    }

    /** Reads DIR/sweep.json; an InvalidInputException naming the file when it is missing or malformed. */
    public static SweepManifest read(Path sweepDir) {
        Path f = sweepDir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new InvalidInputException(sweepDir + ": not a sweep directory (no " + FILE + ")");
        try {
            JsonNode n = JSON.readTree(f.toFile());
            if (n == null || !FORMAT.equals(n.path("format").asText())) {
                throw new InvalidInputException(f + ": not a gcl sweep manifest (format is not " + FORMAT + ")");
            }
            List<String> ids = new ArrayList<>(), from = new ArrayList<>();
            n.path("runs").forEach(x -> ids.add(x.asText()));
            n.path("merged_from").forEach(x -> from.add(x.asText()));
            int index = n.path("shard").path("index").asInt(-1), count = n.path("shard").path("count").asInt(-1);
            String plan = n.path("plan_id").asText(""), data = n.path("data_fingerprint").asText("");
            if (plan.isEmpty() || data.isEmpty() || count < 1 || index < 0 || index >= count) {
                throw new InvalidInputException(f + ": incomplete sweep manifest (plan_id, data_fingerprint or shard missing)");
            }
            return new SweepManifest(plan, data, index, count, n.path("plan_runs").asInt(), ids, from);
        } catch (IOException e) {
            throw new InvalidInputException(f + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** Writes DIR/sweep.json atomically (a temporary file renamed onto it). */
    public void write(Path sweepDir) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("plan_id", planId);
        n.put("data_fingerprint", dataFingerprint);
        ObjectNode s = n.putObject("shard");
        s.put("index", shardIndex);
        s.put("count", shardCount);
        n.put("plan_runs", planRuns);
        ArrayNode ids = n.putArray("runs");
        runIds.forEach(ids::add);
        if (merged()) {
            ArrayNode from = n.putArray("merged_from");
            mergedFrom.forEach(from::add);
        }
        Path f = sweepDir.resolve(FILE);
        try {
            dev.gcl.io.Durable.writeFile(f, JSON.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why this folder cannot take the runs of {@code wanted} (another plan, data set or shard), or null when it
     * can. Named for the folder, one line.
     */
    public String conflictWith(SweepManifest wanted, Path dir) {
        if (!planId.equals(wanted.planId)) {
            return dir + ": holds runs of another sweep plan (plan " + planId + ", this command's plan is "
                    + wanted.planId + "); use another --out or the same variants, seeds, grid and settings";
        }
        if (!dataFingerprint.equals(wanted.dataFingerprint)) {
            return dir + ": holds runs on other data (fingerprint " + dataFingerprint + ", --data has "
                    + wanted.dataFingerprint + ")";
        }
        if (shardIndex != wanted.shardIndex || shardCount != wanted.shardCount) {
            return dir + ": holds shard " + shardLabel() + " of this sweep, not " + wanted.shardLabel()
                    + "; give each shard its own folder";
        }
        return null;
    }
}
