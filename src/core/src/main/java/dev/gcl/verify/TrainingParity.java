package dev.gcl.verify;

import dev.gcl.Gcl;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.io.InvalidInputException;
import dev.gcl.progress.IterationStats;
import dev.gcl.progress.TrainingListener;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * N iterations of gcl-b from one seed on a candidate backend and on the reference, compared iteration by
 * iteration: the G and D losses, every weight after the iteration's updates, and the pseudo-labels of G and D.
 * A pseudo-label may differ only where the value lies within the tolerance of its threshold (mean + k·std of the
 * batch): there a last-bit difference legitimately flips a strict {@code >}.
 *
 * <p>gcl-b because every one of its iterations is a whole cooperative step (G labels, D trained on them, D labels,
 * G trained with negative learning), with no pre-training phase in front. The data is cut to exactly
 * iterations × batch rows, one epoch.
 */
public final class TrainingParity {
    private TrainingParity() {}

    /** A row whose pseudo-label differs: the reference's value, its threshold and margin = (value - thr)/|thr|. */
    public record Disagreement(String network, int row, double value, double threshold, double margin,
                               boolean referenceLabel, boolean nearThreshold) {}

    /** One iteration of both runs compared. */
    public record Iteration(int iteration, int rows, double gLossReference, double gLossCandidate,
                            double dLossReference, double dLossCandidate, boolean lossesPass,
                            double maxWeightDiff, String maxWeightTensor, int maxWeightIndex, boolean weightsPass,
                            int labelsCompared, List<Disagreement> disagreements, String problem) {
        public double gLossDiff() {
            return Math.abs(gLossCandidate - gLossReference);
        }

        public double dLossDiff() {
            return Math.abs(dLossCandidate - dLossReference);
        }

        /** Disagreements farther from their threshold than the tolerance. */
        public long disagreementsOutsideTolerance() {
            return disagreements.stream().filter(d -> !d.nearThreshold()).count();
        }

        public boolean passed() {
            return problem == null && lossesPass && weightsPass && disagreementsOutsideTolerance() == 0;
        }
    }

    /** The gcl-b config of a comparison: one epoch of exactly `iterations` batches of `batch` rows. */
    public static GclConfig config(GclConfig.Builder settings, int batch) {
        return settings.variant(Variant.GCL_B).epochs(1).batchSize(batch).build();
    }

    /** The first iterations × batch rows of data, without a time axis (gcl-b does not use it). */
    public static TrainingData firstRows(TrainingData data, int iterations, int batch) {
        int rows = iterations * batch;
        if (rows > data.rows()) {
            throw new InvalidInputException("the data has " + data.rows() + " rows, " + iterations + " iterations"
                    + " of " + batch + " need " + rows);
        }
        return TrainingData.flat(Arrays.copyOf(data.features(), rows * data.dim()), rows, data.dim());
    }

    /** Trains on both backends and compares every iteration. */
    public static List<Iteration> run(TrainingData data, GclConfig config, Supplier<Backend> candidate,
                                      Supplier<Backend> reference, ParityTolerances.Training tol) {
        Recording ref = Recording.fit(data, config, reference);
        Recording got = Recording.fit(data, config, candidate);
        List<String> names = tensorNames(config, data.dim());
        List<Iteration> out = new ArrayList<>();
        int n = Math.max(ref.stats.size(), got.stats.size());
        for (int i = 0; i < n; i++) {
            if (i >= ref.stats.size() || i >= got.stats.size()) {
                out.add(new Iteration(i, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, false, Double.NaN, "", -1,
                        false, 0, List.of(), "the reference ran " + ref.stats.size() + " iterations, the candidate "
                        + got.stats.size()));
                continue;
            }
            out.add(compare(i, ref, got, names, tol));
        }
        return out;
    }

    private static Iteration compare(int i, Recording ref, Recording got, List<String> names,
                                     ParityTolerances.Training tol) {
        IterationStats r = ref.stats.get(i), g = got.stats.get(i);
        boolean lossesPass = close(g.generatorLoss(), r.generatorLoss(), tol)
                && close(g.discriminatorLoss(), r.discriminatorLoss(), tol);

        float[][] wr = ref.weights.get(i), wg = got.weights.get(i);
        double maxDiff = 0;
        String maxTensor = "";
        int maxIndex = -1;
        boolean weightsPass = wr.length == wg.length;
        for (int t = 0; t < Math.min(wr.length, wg.length); t++) {
            for (int k = 0; k < wr[t].length; k++) {
                double d = Math.abs((double) wg[t][k] - wr[t][k]);
                if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
                if (!(d <= tol.weightAtol() + tol.weightRtol() * Math.abs(wr[t][k]))) weightsPass = false;
                if (d > maxDiff || maxIndex < 0) {
                    maxDiff = d;
                    maxTensor = t < names.size() ? names.get(t) : "tensor " + t;
                    maxIndex = k;
                }
            }
        }

        List<LabelEvent> er = ref.labelsOf(i), eg = got.labelsOf(i);
        String problem = er.size() == eg.size() ? null
                : "the reference labelled " + er.size() + " times, the candidate " + eg.size();
        List<Disagreement> disagreements = new ArrayList<>();
        int compared = 0;
        for (int e = 0; e < Math.min(er.size(), eg.size()); e++) {
            LabelEvent a = er.get(e), b = eg.get(e);
            String network = e == 0 ? "G" : "D";  // gcl-b labels with G's errors first, then with D's scores
            double threshold = a.mean + a.k * a.std;  // in double, as threshold_labels does
            for (int row = 0; row < a.labels.length; row++) {
                compared++;
                if ((a.labels[row] != 0) == (b.labels[row] != 0)) continue;
                double v = a.values[row];
                double margin = (v - threshold) / Math.abs(threshold);
                disagreements.add(new Disagreement(network, row, v, threshold, margin, a.labels[row] != 0,
                        Math.abs(v - threshold) <= tol.thresholdRtol() * Math.abs(threshold)));
            }
        }
        return new Iteration(i, r.rows(), r.generatorLoss(), g.generatorLoss(), r.discriminatorLoss(),
                g.discriminatorLoss(), lossesPass, maxDiff, maxTensor, maxIndex, weightsPass, compared,
                disagreements, problem);
    }

    private static boolean close(double got, double ref, ParityTolerances.Training tol) {
        if (Double.isNaN(ref) && Double.isNaN(got)) return true;
        return Math.abs(got - ref) <= tol.lossAtol() + tol.lossRtol() * Math.abs(ref);
    }

    /**
     * The trainable tensors in the order gcl-b first updates them: D (trained first in each iteration), then G;
     * named as in weights.npz ("D.0.weight", "D.0.bias", "D.2.weight", ...).
     */
    static List<String> tensorNames(GclConfig config, int dim) {
        List<String> names = new ArrayList<>();
        for (String net : new String[] {"D", "G"}) {
            int layers = (net.equals("D") ? config.discriminatorDims(dim) : config.generatorDims(dim)).length - 1;
            for (int l = 0; l < layers; l++) {
                names.add(net + "." + 2 * l + ".weight");
                names.add(net + "." + 2 * l + ".bias");
            }
        }
        return names;
    }

    /** One threshold_labels call: the values, the statistics and k it used, and the labels it wrote. */
    private record LabelEvent(float[] values, double mean, double std, double k, float[] labels) {}

    /** What one run recorded through its backend and listener. */
    private static final class Recording {
        final List<IterationStats> stats = new ArrayList<>();
        final List<float[][]> weights = new ArrayList<>();
        final List<LabelEvent> labels = new ArrayList<>();
        final List<Integer> labelsEnd = new ArrayList<>();  // labels.size() at the end of each iteration

        List<LabelEvent> labelsOf(int iteration) {
            int from = iteration == 0 ? 0 : labelsEnd.get(iteration - 1);
            return labels.subList(from, labelsEnd.get(iteration));
        }

        static Recording fit(TrainingData data, GclConfig config, Supplier<Backend> backends) {
            Recording rec = new Recording();
            Recorder[] current = new Recorder[1];
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onIteration(IterationStats s) {
                    rec.stats.add(s);
                    rec.labelsEnd.add(rec.labels.size());
                    rec.weights.add(current[0].snapshot());
                }
            };
            new Gcl(config).withListener(listener).withBackend(() -> {
                current[0] = new Recorder(backends.get(), rec.labels);
                return current[0];
            }).fit(data);
            return rec;
        }
    }

    /** Forwards every op; keeps what threshold_labels saw and wrote, and which buffers RMSprop updates. */
    private static final class Recorder extends ForwardingBackend {
        private final List<LabelEvent> events;
        private final Map<DeviceFloats, Integer> params = new IdentityHashMap<>();
        private final List<DeviceFloats> paramOrder = new ArrayList<>();

        Recorder(Backend inner, List<LabelEvent> events) {
            super(inner);
            this.events = events;
        }

        @Override
        public void thresholdLabels(DeviceFloats v, int n, DeviceFloats stats, double k, DeviceFloats mask,
                                    DeviceFloats labels) {
            super.thresholdLabels(v, n, stats, k, mask, labels);
            float[] s = read(stats, 2);
            events.add(new LabelEvent(read(v, n), s[0], s[1], k, read(labels, n)));
        }

        @Override
        public void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats sq, DeviceFloats mom, int n,
                            double lr, double alpha, double eps, double momentum, DeviceFloats guard,
                            int guardLength) {
            super.rmsprop(param, grad, sq, mom, n, lr, alpha, eps, momentum, guard, guardLength);
            if (params.putIfAbsent(param, paramOrder.size()) == null) paramOrder.add(param);
        }

        @Override
        public void free(DeviceFloats b) {
            if (params.remove(b) != null) paramOrder.remove(b);
            super.free(b);
        }

        /** Every parameter RMSprop has updated so far, in the order of its first update. */
        float[][] snapshot() {
            float[][] all = new float[paramOrder.size()][];
            for (int t = 0; t < all.length; t++) all[t] = read(paramOrder.get(t), paramOrder.get(t).length());
            return all;
        }
    }
}
