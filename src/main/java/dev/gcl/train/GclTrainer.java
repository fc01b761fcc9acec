package dev.gcl.train;

import dev.gcl.EpochStats;
import dev.gcl.GclConfig;
import dev.gcl.IterationStats;
import dev.gcl.Phase;
import dev.gcl.TrainingListener;
import dev.gcl.Variant;
import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.NlTarget;
import dev.gcl.data.TrainingData;
import dev.gcl.nn.Network;
import dev.gcl.nn.NetworkWeights;
import dev.gcl.nn.RmsPropConfig;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training loop of Generative Cooperative Learning (Zaheer et al., "Generative Cooperative Learning for
 * Unsupervised Video Anomaly Detection", CVPR 2022), exactly as GCL-SPEC.md states it, for every variant. It
 * touches network data only through {@link Backend} ops; it downloads losses and labels to report progress.
 *
 * <p>One trainer runs one fit: construct, call {@link #train}, discard. The backend stays owned by the caller.
 */
public final class GclTrainer {
    /** INIT stream ids: G's tensors start here, D's at {@link #D_INIT_STREAM}. */
    static final int G_INIT_STREAM = 0;
    static final int D_INIT_STREAM = 1000;

    /** Evaluates the networks after an epoch of the final phase (e.g. test AUC); may return NaN. */
    public interface EpochEvaluator {
        double evaluate(NetworkWeights generator, NetworkWeights discriminator);
    }

    /** What training produced. discriminator is null for variants without D; cleaning null when not used. */
    public record Result(NetworkWeights generator, NetworkWeights discriminator, List<EpochStats> history,
                         TemporalCleaning.Result cleaning, int weaklyLabelledVideos) {}

    private final GclConfig config;
    private final Backend backend;
    private final TrainingListener listener;
    private final RmsPropConfig rms;
    private final EpochEvaluator evaluator;

    // per-fit state
    private TrainingData data;
    private int dim, batch;
    private DeviceFloats features, xb, err, stats, labelsG, labelsD, dProb, loss, targets, weights, dRecon, noise,
            picks, softTargets, maskAll, maskB;
    private DeviceInts order;
    private Network g, d;
    private int globalIteration;
    private final List<EpochStats> history = new ArrayList<>();
    private final float[] scalar = new float[1];
    private float[] labelHost;

    public GclTrainer(GclConfig config, Backend backend, TrainingListener listener) {
        this(config, backend, listener, null);
    }

    /** evaluator (nullable) runs after every epoch of the cooperative or autoencoder phase. */
    public GclTrainer(GclConfig config, Backend backend, TrainingListener listener, EpochEvaluator evaluator) {
        this.evaluator = evaluator;
        this.config = config;
        this.backend = backend;
        this.listener = listener == null ? TrainingListener.NONE : listener;
        this.rms = new RmsPropConfig(config.learningRate(), config.rmsAlpha(), config.rmsEps(), config.momentum());
    }

    /** Checks that the data suits the variant; the message names what is missing. */
    public static void checkData(GclConfig config, TrainingData data) {
        Variant v = config.variant();
        if (data.rows() < 2) {
            throw new IllegalArgumentException("training data: needs at least 2 segments, got " + data.rows());
        }
        if (v.needsTimeAxis() && !data.hasTimeAxis()) {
            throw new IllegalArgumentException("variant " + v.cliName() + " uses temporal cleaning, which needs video"
                    + " data with a time axis; this data is a flat matrix (use gcl-b, gcl-occ, gcl-ws, ae-all or"
                    + " ae-occ)");
        }
        if (v.needsVideoLabels()) {
            if (!data.hasVideoLabels()) {
                throw new IllegalArgumentException("variant " + v.cliName() + " needs training video labels"
                        + " (TrainingData.withVideoLabels), but the data has none");
            }
            int normal = v == Variant.GCL_WS ? 2 : normalRows(data).length;
            if (normal < 2) {
                throw new IllegalArgumentException("variant " + v.cliName() + " needs at least 2 segments of videos"
                        + " labelled normal, found " + normal);
            }
        }
    }

    public Result train(TrainingData trainingData) {
        checkData(config, trainingData);
        this.data = trainingData;
        this.dim = trainingData.dim();
        this.batch = Math.min(config.batchSize(), trainingData.rows());
        Variant v = config.variant();
        listener.onMessage("variant " + v.cliName() + " on " + trainingData + ", backend " + backend.name());
        allocate();
        try {
            g = new Network(backend, NetworkWeights.initialise(config.generatorDims(dim), Activation.IDENTITY,
                    config.seed(), G_INIT_STREAM), batch);
            if (v.usesDiscriminator()) {
                d = new Network(backend, NetworkWeights.initialise(config.discriminatorDims(dim), Activation.SIGMOID,
                        config.seed(), D_INIT_STREAM), batch);
            }
            int[] all = null; // null = every row, in the epoch permutations of runEpochs
            TemporalCleaning.Result cleaning = null;
            int weaklyLabelled = 0;
            if (v == Variant.GCL_WS) weaklyLabelled = prepareWeakLabels();

            if (v.isAutoencoderOnly()) {
                int[] subset = all;
                if (v == Variant.AE_TD) {
                    cleaning = clean();
                    subset = cleaning.keptRows();
                } else if (v == Variant.AE_OCC) {
                    subset = normalRows(data);
                }
                runEpochs(Phase.AUTOENCODER, subset, config.epochs(), Purpose.SHUFFLE, this::reconstructionStep);
            } else {
                if (v.pretraining() != Variant.Pretraining.NONE && config.pretrainEpochs() > 0) {
                    int[] gSubset;
                    if (v.pretraining() == Variant.Pretraining.TEMPORALLY_CLEANED) {
                        cleaning = clean();
                        gSubset = cleaning.keptRows();
                    } else {
                        gSubset = normalRows(data);
                    }
                    runEpochs(Phase.PRETRAIN_G, gSubset, config.pretrainEpochs(), Purpose.SHUFFLE_PRETRAIN_G,
                            this::reconstructionStep);
                    runEpochs(Phase.PRETRAIN_D, all, config.pretrainEpochs(), Purpose.SHUFFLE_PRETRAIN_D,
                            this::discriminatorPretrainStep);
                }
                runEpochs(Phase.COOPERATIVE, all, config.epochs(), Purpose.SHUFFLE, this::cooperativeStep);
            }
            return new Result(g.download(), d == null ? null : d.download(), List.copyOf(history), cleaning,
                    weaklyLabelled);
        } finally {
            if (g != null) g.close();
            if (d != null) d.close();
            freeAll();
        }
    }

    // ---------------------------------------------------------------- setup

    private void allocate() {
        int n = data.rows();
        features = backend.allocFloats(n * dim);
        backend.upload(data.features(), 0, features, 0, n * dim);
        order = backend.allocInts(n);
        xb = backend.allocFloats(batch * dim);
        err = backend.allocFloats(batch);
        stats = backend.allocFloats(2);
        labelsG = backend.allocFloats(batch);
        labelsD = backend.allocFloats(batch);
        dProb = backend.allocFloats(batch);
        loss = backend.allocFloats(1);
        targets = backend.allocFloats(batch * dim);
        weights = backend.allocFloats(batch);
        dRecon = backend.allocFloats(batch * dim);
        noise = config.nlTarget() == NlTarget.GAUSSIAN ? backend.allocFloats(batch * dim) : null;
        picks = config.nlTarget() == NlTarget.RANDOM_NORMAL ? backend.allocFloats(batch) : null;
        softTargets = config.usesSoftLabels() ? backend.allocFloats(batch) : null;
        labelHost = new float[batch];
    }

    private void freeAll() {
        for (DeviceFloats b : new DeviceFloats[] {features, xb, err, stats, labelsG, labelsD, dProb, loss, targets,
                weights, dRecon, noise, picks, softTargets, maskAll, maskB}) {
            if (b != null) backend.free(b);
        }
        if (order != null) backend.free(order);
    }

    private TemporalCleaning.Result clean() {
        TemporalCleaning.Result r = TemporalCleaning.clean(data, config.cleaningRule(), config.cleaningValue());
        double f = r.fractionKept();
        listener.onMessage(String.format("temporal cleaning (%s, T_delta = %.4f) kept %d of %d segments (%.1f%%)",
                config.cleaningRule().cliName(), r.threshold(), r.keptRows().length, r.totalRows(), 100 * f));
        if (f < 0.10 || f > 0.99) {
            listener.onMessage(String.format("warning: temporal cleaning kept %.1f%% of segments; T_delta may not"
                    + " suit these features (the default 0.70 assumes L2-normalised features)", 100 * f));
        }
        if (r.keptRows().length < 2) {
            throw new IllegalArgumentException("cleaningValue: temporal cleaning kept " + r.keptRows().length
                    + " segments; at least 2 are needed to pre-train G");
        }
        return r;
    }

    /** Rows of videos labelled normal (0), ascending. */
    static int[] normalRows(TrainingData data) {
        int count = 0;
        for (int v = 0; v < data.videos(); v++) {
            if (data.videoLabel(v) == 0) count += data.videoEnd(v) - data.videoStart(v);
        }
        int[] rows = new int[count];
        int k = 0;
        for (int v = 0; v < data.videos(); v++) {
            if (data.videoLabel(v) != 0) continue;
            for (int r = data.videoStart(v); r < data.videoEnd(v); r++) rows[k++] = r;
        }
        return rows;
    }

    /**
     * gcl-ws: draws which videos carry their label (round(f·V) of them, at least 1, from the WEAK_LABEL_DRAW
     * permutation) and builds the mask that forces lG = lD = 0 on segments of the drawn videos labelled normal.
     */
    private int prepareWeakLabels() {
        int videos = data.videos();
        int labelled = Math.max(1, (int) Math.round(config.weakLabelFraction() * videos));
        int[] perm = new RandomStream(config.seed(), Purpose.WEAK_LABEL_DRAW, 0).permutation(videos);
        float[] mask = new float[data.rows()];
        Arrays.fill(mask, 1f);
        for (int k = 0; k < labelled; k++) {
            int v = perm[k];
            if (data.videoLabel(v) == 0) {
                for (int r = data.videoStart(v); r < data.videoEnd(v); r++) mask[r] = 0f;
            }
        }
        maskAll = backend.allocFloats(data.rows());
        backend.upload(mask, 0, maskAll, 0, mask.length);
        maskB = backend.allocFloats(batch);
        listener.onMessage("gcl-ws: labels of " + labelled + " of " + videos + " videos are used");
        return labelled;
    }

    // ---------------------------------------------------------------- epochs

    /** One iteration on the batch in {@link #xb} (rows rows); returns nothing, records into the accumulator. */
    private interface Step {
        void run(int rows, EpochAccumulator acc);
    }

    private static final class EpochAccumulator {
        double gLoss, dLoss;
        long anomalousG, anomalousD, segments;
        int iterations;
        boolean hasG, hasD, hasLabelsG, hasLabelsD;
        int lastAnomalousG, lastAnomalousD;
        double lastG = Double.NaN, lastD = Double.NaN;
    }

    /**
     * Runs epochs over subset (null = all rows): each epoch draws a fresh permutation of the subset from stream
     * (seed, shufflePurpose, epoch); batches are consecutive slices; a last batch of fewer than 2 rows is skipped.
     */
    private void runEpochs(Phase phase, int[] subset, int epochs, Purpose shufflePurpose, Step step) {
        int n = subset == null ? data.rows() : subset.length;
        int itersPerEpoch = n / batch + (n % batch >= 2 ? 1 : 0);
        listener.onPhaseStart(phase, epochs, itersPerEpoch);
        int[] rowsOrder = new int[n];
        for (int epoch = 0; epoch < epochs; epoch++) {
            long t0 = System.nanoTime();
            int[] perm = new RandomStream(config.seed(), shufflePurpose, epoch).permutation(n);
            for (int k = 0; k < n; k++) rowsOrder[k] = subset == null ? perm[k] : subset[perm[k]];
            backend.upload(rowsOrder, 0, order, 0, n);
            EpochAccumulator acc = new EpochAccumulator();
            int iteration = 0;
            for (int start = 0; start < n; start += batch) {
                int rows = Math.min(batch, n - start);
                if (rows < 2) break;
                backend.gatherRows(features, order, start, xb, rows, dim);
                if (maskAll != null) backend.gatherRows(maskAll, order, start, maskB, rows, 1);
                step.run(rows, acc);
                acc.iterations++;
                acc.segments += rows;
                listener.onIteration(new IterationStats(phase, epoch, iteration++, rows, acc.lastG, acc.lastD,
                        acc.hasLabelsG ? acc.lastAnomalousG : -1, acc.hasLabelsD ? acc.lastAnomalousD : -1));
                globalIteration++;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double metric = Double.NaN;
            if (evaluator != null && (phase == Phase.COOPERATIVE || phase == Phase.AUTOENCODER)) {
                metric = evaluator.evaluate(g.download(), d == null ? null : d.download());
            }
            EpochStats s = new EpochStats(phase, epoch, acc.iterations, (int) acc.segments,
                    acc.hasG ? acc.gLoss / acc.iterations : Double.NaN,
                    acc.hasD ? acc.dLoss / acc.iterations : Double.NaN,
                    acc.hasLabelsG ? (double) acc.anomalousG / acc.segments : Double.NaN,
                    acc.hasLabelsD ? (double) acc.anomalousD / acc.segments : Double.NaN, seconds, metric);
            history.add(s);
            listener.onEpochEnd(s);
        }
    }

    // ---------------------------------------------------------------- steps

    /** G alone, target = input: pre-training of G and the autoencoder variants. */
    private void reconstructionStep(int rows, EpochAccumulator acc) {
        DeviceFloats recon = g.forward(xb, rows);
        backend.weightedMseGrad(recon, xb, null, dRecon, loss, rows, dim);
        g.backward(xb, dRecon, rows);
        g.rmspropStep(rms);
        recordG(acc, readLoss());
    }

    /** D alone on labels lG of the frozen G (GCL_PT step 3). */
    private void discriminatorPretrainStep(int rows, EpochAccumulator acc) {
        DeviceFloats recon = g.forward(xb, rows);
        generatorLabels(recon, rows, acc);
        trainDiscriminator(rows, acc);
    }

    /** One cooperative iteration, GCL-SPEC steps 1-6. */
    private void cooperativeStep(int rows, EpochAccumulator acc) {
        // 1-2: G forward, reconstruction errors, lG
        DeviceFloats recon = g.forward(xb, rows);
        generatorLabels(recon, rows, acc);
        DeviceFloats nlLabels = labelsG;
        if (d != null) {
            // 3: train D on (X, lG); 4: lD from the updated D
            trainDiscriminator(rows, acc);
            DeviceFloats p = d.forward(xb, rows);
            backend.meanStd(p, rows, stats);
            backend.thresholdLabels(p, rows, stats, config.kD(), maskB, labelsD);
            acc.lastAnomalousD = countOnes(labelsD, rows);
            acc.anomalousD += acc.lastAnomalousD;
            acc.hasLabelsD = true;
            nlLabels = labelsD;
        }
        // 5: negative-learning targets
        NlTarget mode = config.nlTarget();
        if (mode == NlTarget.GAUSSIAN) {
            backend.philoxNormal(new RandomStream(config.seed(), Purpose.NOISE, globalIteration), 0, 0f,
                    (float) config.gaussianSigma(), noise, rows * dim);
        } else if (mode == NlTarget.RANDOM_NORMAL) {
            backend.philoxUniform(new RandomStream(config.seed(), Purpose.NL_PICK, globalIteration), 0, picks, rows);
        }
        backend.nlTargets(xb, nlLabels, mode, noise, picks, targets, weights, rows, dim);
        // 6: G step; G has not changed since step 1, so its activations still hold
        backend.weightedMseGrad(recon, targets, weights, dRecon, loss, rows, dim);
        g.backward(xb, dRecon, rows);
        g.rmspropStep(rms);
        recordG(acc, readLoss());
    }

    /** e = per-row reconstruction error of recon against xb; lG = e > mean + kG·std (masked for gcl-ws). */
    private void generatorLabels(DeviceFloats recon, int rows, EpochAccumulator acc) {
        backend.rowMse(recon, xb, err, rows, dim);
        backend.meanStd(err, rows, stats);
        backend.thresholdLabels(err, rows, stats, config.kG(), maskB, labelsG);
        acc.lastAnomalousG = countOnes(labelsG, rows);
        acc.anomalousG += acc.lastAnomalousG;
        acc.hasLabelsG = true;
    }

    /** One BCE step of D on labels lG, or on min-max-scaled errors for soft labels. */
    private void trainDiscriminator(int rows, EpochAccumulator acc) {
        DeviceFloats y = labelsG;
        if (softTargets != null) {
            backend.minMaxScale(err, rows, softTargets);
            y = softTargets;
        }
        DeviceFloats p = d.forward(xb, rows);
        backend.bceLossGrad(p, y, dProb, loss, rows);
        d.backward(xb, dProb, rows);
        d.rmspropStep(rms);
        double l = readLoss();
        acc.dLoss += l;
        acc.lastD = l;
        acc.hasD = true;
    }

    private void recordG(EpochAccumulator acc, double l) {
        acc.gLoss += l;
        acc.lastG = l;
        acc.hasG = true;
    }

    private double readLoss() {
        backend.download(loss, 0, scalar, 0, 1);
        return scalar[0];
    }

    private int countOnes(DeviceFloats labels, int rows) {
        backend.download(labels, 0, labelHost, 0, rows);
        int c = 0;
        for (int i = 0; i < rows; i++) if (labelHost[i] != 0f) c++;
        return c;
    }
}
