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
 * Unsupervised Video Anomaly Detection", CVPR 2022), exactly as docs/algorithm.md states it, for every variant. It
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
    private CheckpointPolicy checkpoints = CheckpointPolicy.NONE;
    private NanPolicy nanPolicy = NanPolicy.STOP;
    private TrainerState resumeFrom;
    private int skippedBatches;

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
    private final float[] statPair = new float[2];
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

    /** Checkpoints at the boundaries the policy chooses; stops (after a checkpoint) when it asks. */
    public GclTrainer withCheckpoints(CheckpointPolicy policy) {
        this.checkpoints = policy == null ? CheckpointPolicy.NONE : policy;
        return this;
    }

    /** What to do when a loss is not finite. */
    public GclTrainer withNanPolicy(NanPolicy policy) {
        this.nanPolicy = policy;
        return this;
    }

    /** Continues from a checkpoint of a run with the same config and data instead of starting afresh. */
    public GclTrainer resumingFrom(TrainerState state) {
        this.resumeFrom = state;
        return this;
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
        SmallDataCheck.warning(config, trainingData.rows(), trainingData.dim()).ifPresent(listener::onMessage);
        allocate();
        try {
            g = new Network(backend, NetworkWeights.initialise(config.generatorDims(dim), Activation.IDENTITY,
                    config.seed(), G_INIT_STREAM), batch);
            if (v.usesDiscriminator()) {
                d = new Network(backend, NetworkWeights.initialise(config.discriminatorDims(dim), Activation.SIGMOID,
                        config.seed(), D_INIT_STREAM), batch);
            }
            TemporalCleaning.Result cleaning = null;
            int weaklyLabelled = 0;
            if (v == Variant.GCL_WS) weaklyLabelled = prepareWeakLabels();
            if (v == Variant.AE_TD || (v.pretraining() == Variant.Pretraining.TEMPORALLY_CLEANED
                    && config.pretrainEpochs() > 0)) {
                cleaning = clean();
            }
            List<PhasePlan> plan = plan(cleaning);
            int firstPhase = 0;
            if (resumeFrom != null) {
                firstPhase = resume(resumeFrom, plan.size());
            }
            for (int p = firstPhase; p < plan.size(); p++) {
                boolean resuming = resumeFrom != null && p == firstPhase;
                runEpochs(p, plan.get(p), plan.size(), resuming ? resumeFrom : null);
            }
            if (skippedBatches > 0) {
                listener.onMessage("warning: skipped " + skippedBatches + " batches whose loss was not finite");
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
        // a device may hold the rows once; otherwise each batch is gathered from host (or mapped) memory
        features = backend.residentRows(data.featureRows());
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
        listener.onMessage(String.format(java.util.Locale.ROOT, "temporal cleaning (%s, T_delta = %.4f) kept %d of %d segments (%.1f%%)",
                config.cleaningRule().cliName(), r.threshold(), r.keptRows().length, r.totalRows(), 100 * f));
        if (f < 0.10 || f > 0.99) {
            listener.onMessage(String.format(java.util.Locale.ROOT, "warning: temporal cleaning kept %.1f%% of segments; T_delta may not"
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

    /** One phase of the variant's plan: which rows, how many epochs, which shuffle stream, which step. */
    private record PhasePlan(Phase phase, int[] subset, int epochs, Purpose shuffle, Step step) {}

    /** The phases of this variant, in order (subset null = every row). */
    private List<PhasePlan> plan(TemporalCleaning.Result cleaning) {
        Variant v = config.variant();
        List<PhasePlan> plan = new ArrayList<>();
        if (v.isAutoencoderOnly()) {
            int[] subset = v == Variant.AE_TD ? cleaning.keptRows() : v == Variant.AE_OCC ? normalRows(data) : null;
            plan.add(new PhasePlan(Phase.AUTOENCODER, subset, config.epochs(), Purpose.SHUFFLE,
                    this::reconstructionStep));
            return plan;
        }
        if (v.pretraining() != Variant.Pretraining.NONE && config.pretrainEpochs() > 0) {
            int[] gSubset = v.pretraining() == Variant.Pretraining.TEMPORALLY_CLEANED ? cleaning.keptRows()
                    : normalRows(data);
            plan.add(new PhasePlan(Phase.PRETRAIN_G, gSubset, config.pretrainEpochs(), Purpose.SHUFFLE_PRETRAIN_G,
                    this::reconstructionStep));
            plan.add(new PhasePlan(Phase.PRETRAIN_D, null, config.pretrainEpochs(), Purpose.SHUFFLE_PRETRAIN_D,
                    this::discriminatorPretrainStep));
        }
        plan.add(new PhasePlan(Phase.COOPERATIVE, null, config.epochs(), Purpose.SHUFFLE, this::cooperativeStep));
        return plan;
    }

    /** Restores networks, optimiser state, history and counters; returns the phase to continue in. */
    private int resume(TrainerState s, int phases) {
        TrainerState.Position pos = s.position();
        if (pos.phase() < 0 || pos.phase() > phases) {
            throw new IllegalArgumentException("checkpoint: phase " + pos.phase() + " does not exist in a "
                    + config.variant().cliName() + " run of " + phases + " phases");
        }
        if ((s.discriminator() != null) != (d != null)) {
            throw new IllegalArgumentException("checkpoint: discriminator present/absent does not match variant "
                    + config.variant().cliName());
        }
        g.restore(s.generator(), s.generatorOptimizer());
        if (d != null) d.restore(s.discriminator(), s.discriminatorOptimizer());
        history.clear();
        history.addAll(s.history());
        globalIteration = pos.globalIteration();
        listener.onMessage("resuming at phase " + pos.phase() + ", epoch " + (pos.epoch() + 1) + ", iteration "
                + pos.globalIteration());
        return pos.phase();
    }

    /** Per-epoch running sums of losses and label counts. */
    private static final class EpochAccumulator {
        double gLoss, dLoss;
        long anomalousG, anomalousD, segments;
        int iterations;
        boolean hasG, hasD, hasLabelsG, hasLabelsD;
        int lastAnomalousG, lastAnomalousD;
        double lastG = Double.NaN, lastD = Double.NaN;
        double priorSeconds;
        boolean skipRest;

        static EpochAccumulator from(TrainerState.EpochProgress p) {
            EpochAccumulator a = new EpochAccumulator();
            a.iterations = p.iterations();
            a.segments = p.segments();
            a.gLoss = p.generatorLossSum();
            a.dLoss = p.discriminatorLossSum();
            a.anomalousG = p.anomalousByG();
            a.anomalousD = p.anomalousByD();
            a.hasG = p.hasG();
            a.hasD = p.hasD();
            a.hasLabelsG = p.hasLabelsG();
            a.hasLabelsD = p.hasLabelsD();
            a.priorSeconds = p.seconds();
            return a;
        }

        TrainerState.EpochProgress progress(double seconds) {
            return new TrainerState.EpochProgress(iterations, segments, gLoss, dLoss, anomalousG, anomalousD, hasG,
                    hasD, hasLabelsG, hasLabelsD, priorSeconds + seconds);
        }
    }

    /** One iteration on the batch in {@link #xb} (rows rows), recording into the accumulator. */
    private interface Step {
        void run(int rows, EpochAccumulator acc);
    }

    /**
     * Runs the epochs of phase p: each epoch draws a fresh permutation of the phase's rows from stream
     * (seed, shuffle purpose, epoch); batches are consecutive slices; a last batch of fewer than 2 rows is skipped.
     * When resuming, starts at the checkpoint's epoch and batch with its partial sums.
     */
    private void runEpochs(int p, PhasePlan phase, int phases, TrainerState resume) {
        int n = phase.subset() == null ? data.rows() : phase.subset().length;
        int itersPerEpoch = n / batch + (n % batch >= 2 ? 1 : 0);
        listener.onPhaseStart(phase.phase(), phase.epochs(), itersPerEpoch);
        int[] rowsOrder = new int[n];
        int firstEpoch = resume == null ? 0 : resume.position().epoch();
        for (int epoch = firstEpoch; epoch < phase.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[] perm = new RandomStream(config.seed(), phase.shuffle(), epoch).permutation(n);
            for (int k = 0; k < n; k++) rowsOrder[k] = phase.subset() == null ? perm[k] : phase.subset()[perm[k]];
            backend.upload(rowsOrder, 0, order, 0, n);
            boolean resumingThisEpoch = resume != null && epoch == firstEpoch;
            EpochAccumulator acc = resumingThisEpoch ? EpochAccumulator.from(resume.epochProgress())
                    : new EpochAccumulator();
            int firstStart = resumingThisEpoch ? resume.position().batchStart() : 0;
            for (int start = firstStart; start < n; start += batch) {
                int rows = Math.min(batch, n - start);
                if (rows < 2) break;
                if (features != null) backend.gatherRows(features, order, start, xb, rows, dim);
                else {
                    backend.gatherHostRows(data.featureRows(), rowsOrder, start, xb, rows);
                    int nextRows = Math.min(batch, n - (start + batch));
                    if (nextRows >= 2) backend.prefetchHostRows(data.featureRows(), rowsOrder, start + batch, nextRows);
                }
                if (maskAll != null) backend.gatherRows(maskAll, order, start, maskB, rows, 1);
                acc.skipRest = false;
                phase.step().run(rows, acc);
                int iteration = acc.iterations;
                acc.iterations++;
                acc.segments += rows;
                listener.onIteration(new IterationStats(phase.phase(), epoch, iteration, rows, acc.lastG, acc.lastD,
                        acc.hasLabelsG ? acc.lastAnomalousG : -1, acc.hasLabelsD ? acc.lastAnomalousD : -1));
                globalIteration++;
                int next = start + batch;
                boolean epochOver = next >= n || n - next < 2;
                if (!epochOver) {
                    boundary(new TrainerState.Position(p, epoch, next, globalIteration), false, acc,
                            (System.nanoTime() - t0) / 1e9);
                }
            }
            double seconds = acc.priorSeconds + (System.nanoTime() - t0) / 1e9;
            checkWeightsFinite(phase.phase(), epoch);
            double metric = Double.NaN;
            if (evaluator != null && (phase.phase() == Phase.COOPERATIVE || phase.phase() == Phase.AUTOENCODER)) {
                metric = evaluator.evaluate(g.download(), d == null ? null : d.download());
            }
            EpochStats s = new EpochStats(phase.phase(), epoch, acc.iterations, (int) acc.segments,
                    acc.hasG ? acc.gLoss / acc.iterations : Double.NaN,
                    acc.hasD ? acc.dLoss / acc.iterations : Double.NaN,
                    acc.hasLabelsG ? (double) acc.anomalousG / acc.segments : Double.NaN,
                    acc.hasLabelsD ? (double) acc.anomalousD / acc.segments : Double.NaN, seconds, metric);
            history.add(s);
            listener.onEpochEnd(s);
            TrainerState.Position next = epoch + 1 < phase.epochs()
                    ? new TrainerState.Position(p, epoch + 1, 0, globalIteration)
                    : new TrainerState.Position(p + 1, 0, 0, globalIteration);
            if (next.phase() < phases) boundary(next, true, new EpochAccumulator(), 0);
        }
    }

    /** An iteration boundary: checkpoint when due or when a stop was asked for; then stop if asked. */
    private void boundary(TrainerState.Position next, boolean epochEnd, EpochAccumulator acc, double seconds) {
        boolean stop = checkpoints.stopRequested();
        if (stop || checkpoints.due(next, epochEnd)) {
            checkpoints.write(new TrainerState(next, g.download(), g.downloadOptimizer(),
                    d == null ? null : d.download(), d == null ? null : d.downloadOptimizer(), List.copyOf(history),
                    epochEnd ? TrainerState.EpochProgress.EMPTY : acc.progress(seconds)));
        }
        if (stop) throw new TrainingStoppedException(next);
    }

    /** After each epoch: every weight of both networks must be finite. */
    private void checkWeightsFinite(Phase phase, int epoch) {
        String where = firstNonFinite();
        if (where != null) {
            throw new TrainingDivergedException("training diverged in " + phase.name().toLowerCase() + " epoch "
                    + (epoch + 1) + " (iteration " + globalIteration + "): " + where);
        }
    }

    /** "G layer 2 (G.4.weight) holds NaN" for the first non-finite parameter, or null when all are finite. */
    private String firstNonFinite() {
        for (Object[] net : new Object[][] {{"G", g}, {"D", d}}) {
            Network n = (Network) net[1];
            if (n == null) continue;
            NetworkWeights w = n.download();
            for (int l = 0; l < w.layers(); l++) {
                for (boolean bias : new boolean[] {false, true}) {
                    float[] a = bias ? w.bias(l) : w.weight(l);
                    for (float x : a) {
                        if (!Float.isFinite(x)) {
                            return net[0] + " layer " + l + " (" + net[0] + "." + (2 * l) + (bias ? ".bias" : ".weight")
                                    + ") holds " + x;
                        }
                    }
                }
            }
        }
        return null;
    }

    /**
     * A loss came out non-finite before its network's update. STOP: throw, naming the iteration, the network and
     * the first non-finite layer (or the loss itself when the weights are still finite). SKIP_BATCH: skip the
     * update and the rest of the batch.
     */
    private void nonFiniteLoss(String network, double value, EpochAccumulator acc) {
        if (nanPolicy == NanPolicy.SKIP_BATCH) {
            skippedBatches++;
            acc.skipRest = true;
            return;
        }
        String where = firstNonFinite();
        String what = network.contains(" ") ? network + "s are not finite" : network + " loss is " + value;
        throw new TrainingDivergedException("training diverged at iteration " + globalIteration + ": " + what
                + (where != null ? "; " + where : "; all weights still finite (the inputs or"
                + " the learning rate?)"));
    }

    // ---------------------------------------------------------------- steps

    /** G alone, target = input: pre-training of G and the autoencoder variants. */
    private void reconstructionStep(int rows, EpochAccumulator acc) {
        DeviceFloats recon = g.forward(xb, rows);
        backend.weightedMseGrad(recon, xb, null, dRecon, loss, rows, dim);
        updateGenerator(rows, acc);
    }

    /** D alone on labels lG of the frozen G (GCL_PT step 3). */
    private void discriminatorPretrainStep(int rows, EpochAccumulator acc) {
        DeviceFloats recon = g.forward(xb, rows);
        generatorLabels(recon, rows, acc);
        if (acc.skipRest) return;
        trainDiscriminator(rows, acc);
    }

    /** One cooperative iteration, docs/algorithm.md steps 1-6. */
    private void cooperativeStep(int rows, EpochAccumulator acc) {
        // 1-2: G forward, reconstruction errors, lG
        DeviceFloats recon = g.forward(xb, rows);
        generatorLabels(recon, rows, acc);
        if (acc.skipRest) return;
        DeviceFloats nlLabels = labelsG;
        if (d != null) {
            // 3: train D on (X, lG); 4: lD from the updated D
            trainDiscriminator(rows, acc);
            if (acc.skipRest) return;
            DeviceFloats p = d.forward(xb, rows);
            backend.meanStd(p, rows, stats);
            if (!statsFinite()) {
                nonFiniteLoss("D score", Double.NaN, acc);
                return;
            }
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
        updateGenerator(rows, acc);
    }

    /** G's RMSprop step from the loss and gradient just computed; skipped (or stopped) when the loss is not finite. */
    private void updateGenerator(int rows, EpochAccumulator acc) {
        double l = readLoss();
        if (!Double.isFinite(l)) {
            nonFiniteLoss("G", l, acc);
            return;
        }
        g.backwardAndStep(xb, dRecon, rows, rms);
        recordG(acc, l);
    }

    /** e = per-row reconstruction error of recon against xb; lG = e > mean + kG·std (masked for gcl-ws). */
    private void generatorLabels(DeviceFloats recon, int rows, EpochAccumulator acc) {
        backend.rowMse(recon, xb, err, rows, dim);
        backend.meanStd(err, rows, stats);
        if (!statsFinite()) {
            nonFiniteLoss("G reconstruction error", Double.NaN, acc);
            return;
        }
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
        double l = readLoss();
        if (!Double.isFinite(l)) {
            nonFiniteLoss("D", l, acc);
            return;
        }
        d.backwardAndStep(xb, dProb, rows, rms);
        acc.dLoss += l;
        acc.lastD = l;
        acc.hasD = true;
    }

    private void recordG(EpochAccumulator acc, double l) {
        acc.gLoss += l;
        acc.lastG = l;
        acc.hasG = true;
    }

    /** Whether the mean and std just computed are finite: a NaN or infinite score anywhere in the batch is not. */
    private boolean statsFinite() {
        backend.download(stats, 0, statPair, 0, 2);
        return Float.isFinite(statPair[0]) && Float.isFinite(statPair[1]);
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
