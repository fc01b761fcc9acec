package dev.gcl.sweep;

import java.util.Map;
import java.util.TreeMap;

/**
 * One run of a sweep: a variant, a seed and the grid settings (key = value, keys as in
 * {@link dev.gcl.config.ConfigKeys}). Its {@link #id()} is stable across machines and shards, so results from
 * different shards merge and a re-run recognises finished runs.
 */
public record SweepRun(int index, String variant, long seed, Map<String, String> settings) {
    public SweepRun {
        settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** e.g. {@code gcl-pt_seed3_lr=0.001_nl=ones}: safe as a folder name. */
    public String id() {
        StringBuilder sb = new StringBuilder(variant).append("_seed").append(seed);
        settings.forEach((k, v) -> sb.append('_').append(k).append('=').append(v));
        return sb.toString().replaceAll("[^A-Za-z0-9._=+-]", "-");
    }

    /** The grid settings as text, {@code lr=0.001 nl=ones}, or "default" when there are none. */
    public String settingLabel() {
        if (settings.isEmpty()) return "default";
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return sb.toString();
    }
}
