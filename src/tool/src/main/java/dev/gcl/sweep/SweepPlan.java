package dev.gcl.sweep;

import dev.gcl.io.InvalidInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The runs of a sweep: every grid setting × every variant × every seed, in that nesting, numbered from 0. A shard
 * {@code i/n} (0 <= i < n) takes the runs whose index is i modulo n, so n machines (a Slurm array job, a Kubernetes
 * indexed job) split the sweep without talking to each other.
 */
public final class SweepPlan {
    private SweepPlan() {}

    /** Seeds from {@code "0-9"}, {@code "1,3,5"} or {@code "0-4,10"}; duplicates dropped, order kept. */
    public static List<Long> parseSeeds(String spec) {
        Set<Long> seeds = new LinkedHashSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            try {
                int dash = p.indexOf('-', 1);
                if (dash > 0) {
                    long lo = Long.parseLong(p.substring(0, dash).trim()), hi = Long.parseLong(p.substring(dash + 1).trim());
                    if (hi < lo) throw new InvalidInputException("seeds: range '" + p + "' runs backwards");
                    if (hi - lo >= 100_000) throw new InvalidInputException("seeds: range '" + p + "' is too large");
                    for (long s = lo; s <= hi; s++) seeds.add(s);
                } else {
                    seeds.add(Long.parseLong(p));
                }
            } catch (NumberFormatException e) {
                throw new InvalidInputException("seeds: '" + p + "' is not a seed or a range like 0-9");
            }
        }
        if (seeds.isEmpty()) throw new InvalidInputException("seeds: no seed in '" + spec + "'");
        return new ArrayList<>(seeds);
    }

    /**
     * The cartesian product of grid entries {@code key=v1,v2,...}, in the order given (the first key varies
     * slowest). No entries: one empty setting.
     */
    public static List<Map<String, String>> parseGrid(List<String> entries) {
        List<Map<String, String>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>());
        Set<String> keys = new LinkedHashSet<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new InvalidInputException("grid: '" + entry + "' is not key=value1,value2,...");
            }
            String key = entry.substring(0, eq).trim();
            if (key.equals("variant") || key.equals("seed")) {
                throw new InvalidInputException("grid: use --variants and --seeds for '" + key + "'");
            }
            if (!keys.add(key)) throw new InvalidInputException("grid: key '" + key + "' is given twice");
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> base : combos) {
                for (String value : entry.substring(eq + 1).split(",")) {
                    if (value.isBlank()) throw new InvalidInputException("grid: empty value in '" + entry + "'");
                    Map<String, String> m = new LinkedHashMap<>(base);
                    m.put(key, value.trim());
                    next.add(m);
                }
            }
            combos = next;
        }
        return combos;
    }

    /** All runs, numbered. */
    public static List<SweepRun> plan(List<String> variants, List<Long> seeds, List<Map<String, String>> grid) {
        if (variants.isEmpty()) throw new InvalidInputException("variants: none given");
        List<SweepRun> runs = new ArrayList<>();
        for (Map<String, String> setting : grid) {
            for (String v : variants) {
                for (long s : seeds) runs.add(new SweepRun(runs.size(), v.trim(), s, setting));
            }
        }
        return runs;
    }

    /** {@code "i/n"} as {i, n}, checked: 0 <= i < n. */
    public static int[] parseShard(String spec) {
        String[] parts = spec.split("/");
        int i, n;
        try {
            if (parts.length != 2) throw new NumberFormatException();
            i = Integer.parseInt(parts[0].trim());
            n = Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("shard: '" + spec + "' is not i/n like 0/4");
        }
        if (n < 1) throw new InvalidInputException("shard: need at least 1 shard, got " + spec);
        if (i < 0 || i >= n) {
            throw new InvalidInputException("shard: index " + i + " is outside the array 0.." + (n - 1) + " (got " + spec + ")");
        }
        return new int[] {i, n};
    }

    /** The runs of shard {@code "i/n"}. */
    public static List<SweepRun> shard(List<SweepRun> runs, String spec) {
        int[] in = parseShard(spec);
        List<SweepRun> mine = new ArrayList<>();
        for (SweepRun r : runs) if (r.index() % in[1] == in[0]) mine.add(r);
        return mine;
    }
}
