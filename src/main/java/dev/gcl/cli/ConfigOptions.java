package dev.gcl.cli;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every GclConfig setting as a command-line option (names as {@link dev.gcl.ConfigKeys}); values stay text and are
 * parsed by ConfigKeys, so options, sweep grids and model.json share one parser and one set of error messages.
 */
final class ConfigOptions {
    @Option(names = "--variant", paramLabel = "NAME", description = "gcl-b, gcl-pt, gcl-occ, gcl-ws, soft-labels, g-self, ae-all, ae-td, ae-occ (default gcl-pt for videos, gcl-b for rows without a time axis).")
    String variant;
    @Option(names = "--seed", paramLabel = "N", description = "Seed of every random stream (default 0).")
    String seed;
    @Option(names = "--epochs", paramLabel = "N", description = "Epochs of the cooperative loop (default 15).")
    String epochs;
    @Option(names = "--pretrain-epochs", paramLabel = "N", description = "Epochs of each pre-training stage (default 15).")
    String pretrainEpochs;
    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default 8192).")
    String batch;
    @Option(names = "--lr", paramLabel = "X", description = "RMSprop learning rate (default 2e-5).")
    String lr;
    @Option(names = "--momentum", paramLabel = "X", description = "RMSprop momentum (default 0.6).")
    String momentum;
    @Option(names = "--rms-alpha", paramLabel = "X", description = "RMSprop smoothing (default 0.99).")
    String rmsAlpha;
    @Option(names = "--rms-eps", paramLabel = "X", description = "RMSprop epsilon (default 1e-8).")
    String rmsEps;
    @Option(names = "--k-g", paramLabel = "X", description = "G's threshold mean + k·std (default 1.0).")
    String kG;
    @Option(names = "--k-d", paramLabel = "X", description = "D's threshold mean + k·std (default 0.1).")
    String kD;
    @Option(names = "--nl", paramLabel = "TARGET", description = "ones, random-normal, gaussian or none (default ones).")
    String nl;
    @Option(names = "--sigma", paramLabel = "X", description = "Noise of the gaussian target (default 1.0).")
    String sigma;
    @Option(names = "--g-hidden", paramLabel = "W,W,...", description = "G's hidden widths (default 1024,512,256,512,1024).")
    String gHidden;
    @Option(names = "--d-hidden", paramLabel = "W,W,...", description = "D's hidden widths (default 512,32).")
    String dHidden;
    @Option(names = "--cleaning", paramLabel = "RULE", description = "absolute, mean-std or quantile (default absolute).")
    String cleaning;
    @Option(names = "--cleaning-value", paramLabel = "X", description = "T_delta, k or q (default 0.70, 1, 0.8 by rule).")
    String cleaningValue;
    @Option(names = "--weak-fraction", paramLabel = "F", description = "gcl-ws: share of videos whose labels are used (default 1).")
    String weakFraction;
    @Option(names = "--soft-labels", description = "Train D on min-max-scaled reconstruction errors.")
    boolean softLabels;
    @Option(names = "--score-by", paramLabel = "SOURCE", description = "d, reconstruction or auto (default auto).")
    String scoreBy;

    /** The settings given on the command line, by key. */
    Map<String, String> given() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, "variant", variant);
        put(m, "seed", seed);
        put(m, "epochs", epochs);
        put(m, "pretrain-epochs", pretrainEpochs);
        put(m, "batch", batch);
        put(m, "lr", lr);
        put(m, "momentum", momentum);
        put(m, "rms-alpha", rmsAlpha);
        put(m, "rms-eps", rmsEps);
        put(m, "k-g", kG);
        put(m, "k-d", kD);
        put(m, "nl", nl);
        put(m, "sigma", sigma);
        put(m, "g-hidden", gHidden);
        put(m, "d-hidden", dHidden);
        put(m, "cleaning", cleaning);
        put(m, "cleaning-value", cleaningValue);
        put(m, "weak-fraction", weakFraction);
        if (softLabels) m.put("soft-labels", "true");
        put(m, "score-by", scoreBy);
        return m;
    }

    private static void put(Map<String, String> m, String key, String value) {
        if (value != null) m.put(key, value);
    }
}
