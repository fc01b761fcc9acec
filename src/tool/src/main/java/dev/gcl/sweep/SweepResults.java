package dev.gcl.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gcl.report.Charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The results of a sweep directory ({@code runs/<id>/run.json}, one per run, from one machine or merged shards),
 * gathered into {@code results.csv} and {@code results.jsonl} (one row per run, failed runs with their error),
 * {@code summary.csv} (mean ± standard deviation of the frame ROC AUC per variant and setting, over seeds) and
 * {@code boxplot.png} (paper figure 10).
 */
public final class SweepResults {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run's row. aucRoc and aucPr are NaN for failed runs and runs without a test split. */
    public record Row(String id, String variant, long seed, Map<String, String> settings, String status, String error,
                      double aucRoc, double aucPr, double seconds, double segmentsPerSecond, String backend,
                      String dataFingerprint) {
        String group() {
            return variant + (settings.isEmpty() ? "" : " " + new SweepRun(0, variant, seed, settings).settingLabel());
        }
    }

    /** Summary of one variant and setting over its seeds (ok runs with an AUC only). */
    public record Group(String name, int runs, double mean, double std, double min, double max) {}

    private SweepResults() {}

    /** Reads every runs/&lt;id&gt;/run.json under the sweep directory, sorted by id. */
    public static List<Row> read(Path sweepDir) {
        Path runs = sweepDir.resolve("runs");
        List<Row> rows = new ArrayList<>();
        if (!Files.isDirectory(runs)) return rows;
        try (Stream<Path> dirs = Files.list(runs)) {
            for (Path d : dirs.sorted().toList()) {
                // hidden: a run directory still being written (AtomicDirectory's staging), never a result
                if (d.getFileName().toString().startsWith(".")) continue;
                Path f = d.resolve("run.json");
                if (Files.isRegularFile(f)) rows.add(row(JSON.readTree(f.toFile()), d.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the runs of " + sweepDir + ": " + e.getMessage(), e);
        }
        return rows;
    }

    private static Row row(JsonNode r, String id) {
        Map<String, String> settings = new TreeMap<>();
        r.path("settings").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
        return new Row(id, r.path("variant").asText(), r.path("seed").asLong(), settings,
                r.path("status").asText("ok"), r.path("error").isMissingNode() ? null : r.path("error").asText(null),
                num(r, "auc_roc"), num(r, "auc_pr"), num(r, "seconds"), num(r, "segments_per_second"),
                r.path("backend").asText(null), r.path("data").path("fingerprint").asText(null));
    }

    private static double num(JsonNode r, String key) {
        return r.path(key).isNumber() ? r.path(key).asDouble() : Double.NaN;
    }

    /** Mean, sample standard deviation, min and max of the AUC per group (variant + setting), in first-seen order. */
    public static List<Group> summarise(List<Row> rows) {
        Map<String, List<Double>> byGroup = aucByGroup(rows);
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : byGroup.entrySet()) {
            List<Double> v = e.getValue();
            double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = v.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum();
            double std = v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : Double.NaN;
            groups.add(new Group(e.getKey(), v.size(), mean, std,
                    v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
        }
        return groups;
    }

    private static Map<String, List<Double>> aucByGroup(List<Row> rows) {
        Map<String, List<Double>> byGroup = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!"ok".equals(r.status()) || Double.isNaN(r.aucRoc())) continue;
            byGroup.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r.aucRoc());
        }
        return byGroup;
    }

    /** Writes results.csv, results.jsonl, summary.csv and (when any run has an AUC) boxplot.png. */
    public static List<Group> writeAll(Path sweepDir) {
        List<Row> rows = read(sweepDir);
        TreeSet<String> keys = new TreeSet<>();
        for (Row r : rows) keys.addAll(r.settings().keySet());
        StringBuilder csv = new StringBuilder("id,variant,seed");
        for (String k : keys) csv.append(',').append(k);
        csv.append(",status,auc_roc,auc_pr,seconds,segments_per_second,backend,data_fingerprint,error\n");
        StringBuilder jsonl = new StringBuilder();
        for (Row r : rows) {
            csv.append(csvField(r.id())).append(',').append(csvField(r.variant())).append(',').append(r.seed());
            for (String k : keys) csv.append(',').append(csvField(r.settings().getOrDefault(k, "")));
            csv.append(',').append(r.status()).append(',').append(fmt(r.aucRoc())).append(',').append(fmt(r.aucPr()))
                    .append(',').append(fmt(r.seconds())).append(',').append(fmt(r.segmentsPerSecond())).append(',')
                    .append(csvField(r.backend())).append(',').append(csvField(r.dataFingerprint())).append(',')
                    .append(csvField(r.error())).append('\n');
            ObjectNode j = JSON.createObjectNode();
            j.put("id", r.id());
            j.put("variant", r.variant());
            j.put("seed", r.seed());
            j.set("settings", JSON.valueToTree(r.settings()));
            j.put("status", r.status());
            if (r.error() != null) j.put("error", r.error());
            putNumber(j, "auc_roc", r.aucRoc());
            putNumber(j, "auc_pr", r.aucPr());
            putNumber(j, "seconds", r.seconds());
            putNumber(j, "segments_per_second", r.segmentsPerSecond());
            j.put("backend", r.backend());
            j.put("data_fingerprint", r.dataFingerprint());
            jsonl.append(j).append('\n');
        }
        List<Group> groups = summarise(rows);
        StringBuilder summary = new StringBuilder("group,runs,mean_auc_roc,std_auc_roc,min_auc_roc,max_auc_roc\n");
        for (Group g : groups) {
            summary.append(csvField(g.name())).append(',').append(g.runs()).append(',').append(fmt(g.mean()))
                    .append(',').append(fmt(g.std())).append(',').append(fmt(g.min())).append(',').append(fmt(g.max()))
                    .append('\n');
        }
        writeText(sweepDir.resolve("results.csv"), csv.toString());
        writeText(sweepDir.resolve("results.jsonl"), jsonl.toString());
        writeText(sweepDir.resolve("summary.csv"), summary.toString());
        Map<String, List<Double>> auc = aucByGroup(rows);
        if (!auc.isEmpty()) Charts.boxPlot("Frame ROC AUC over seeds", "ROC AUC", auc, sweepDir.resolve("boxplot.png"));
        return groups;
    }

    /** One line per group: {@code gcl-pt lr=0.001: 0.8123 ± 0.0213 (10 runs)}. */
    public static String format(List<Group> groups) {
        StringBuilder sb = new StringBuilder();
        int width = groups.stream().map(Group::name).mapToInt(String::length).max().orElse(0);
        for (Group g : groups) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s  %.4f ± %s  (%d run%s, min %.4f, max %.4f)%n",
                    g.name(), g.mean(), Double.isNaN(g.std()) ? "n/a" : String.format(Locale.ROOT, "%.4f", g.std()),
                    g.runs(), g.runs() == 1 ? "" : "s", g.min(), g.max()));
        }
        return sb.toString();
    }

    private static void putNumber(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, v);
        else n.putNull(key);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static String csvField(String s) {
        if (s == null) return "";
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }

    private static void writeText(Path file, String text) {
        dev.gcl.io.Durable.writeFile(file, text.getBytes(StandardCharsets.UTF_8));
        dev.gcl.io.CrashPoint.reached("wrote/" + file.getFileName());
    }

    /** Run ids under runs/ whose run.json says status ok (finished runs a re-run skips). */
    public static java.util.Set<String> completed(Path sweepDir) {
        java.util.Set<String> ids = new TreeSet<>(Comparator.naturalOrder());
        for (Row r : read(sweepDir)) if ("ok".equals(r.status())) ids.add(r.id());
        return ids;
    }
}
