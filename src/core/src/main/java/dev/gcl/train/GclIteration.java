package dev.gcl.train;

import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.NlTarget;
import dev.gcl.config.GclConfig;
import dev.gcl.nn.Network;
import dev.gcl.nn.RmsPropConfig;
import dev.gcl.rng.Purpose;
import dev.gcl.rng.RandomStream;

import static dev.gcl.train.IterationScalars.BEFORE_D_STEP;
import static dev.gcl.train.IterationScalars.BEFORE_G_STEP;
import static dev.gcl.train.IterationScalars.D_ANOMALOUS_SHARE;
import static dev.gcl.train.IterationScalars.D_LOSS;
import static dev.gcl.train.IterationScalars.D_SCORE_MEAN;
import static dev.gcl.train.IterationScalars.G_ANOMALOUS_SHARE;
import static dev.gcl.train.IterationScalars.G_ERROR_MEAN;
import static dev.gcl.train.IterationScalars.G_LOSS;

/**
 * One iteration of Generative Cooperative Learning (Zaheer et al., CVPR 2022) on the batch in {@code xb}, as
 * docs/algorithm.md "One cooperative iteration" states it, and the two single-network steps of pre-training.
 * Every step stays on the device: losses, threshold statistics and label shares are copied into one buffer,
 * downloaded once at the end ({@link IterationScalars}), or, when the backend replays iterations as graphs
 * ({@link #queue}, {@link PhaseRunner}), copied back without a wait and read one iteration later; an update after a
 * non-finite value is skipped by its
 * RMSprop guard; {@link EpochAccumulator#add} reads the values in step order and {@link NonFiniteValues} reports
 * the first that is not finite.
 */
final class GclIteration {
    private final GclConfig config;
    private final Backend backend;
    private final RmsPropConfig rms;
    private final Network g, d;
    private final IterationBuffers b;
    private final int dim;
    private final IterationScalars scalars = new IterationScalars();

    GclIteration(GclConfig config, Backend backend, Network g, Network d, IterationBuffers buffers, int dim) {
        this.config = config;
        this.backend = backend;
        this.rms = new RmsPropConfig(config.learningRate(), config.rmsAlpha(), config.rmsEps(), config.momentum());
        this.g = g;
        this.d = d;
        this.b = buffers;
        this.dim = dim;
    }

    /** Runs one step of a phase, every op as it is called, and downloads its results (the one host wait). */
    IterationScalars run(PhasePlan.Step step, int rows, int iteration) {
        queue(step, rows, iteration);
        return download();
    }

    /**
     * Queues one step's ops without reading anything back; iteration keys the random streams of step 5. The
     * results land in {@link #results()}.
     */
    void queue(PhasePlan.Step step, int rows, int iteration) {
        switch (step) {
            case RECONSTRUCTION: reconstruction(rows); break;
            case DISCRIMINATOR_PRETRAINING: discriminatorPretraining(rows); break;
            case COOPERATIVE: cooperative(rows, iteration); break;
            default: throw new IllegalStateException(step.name());
        }
    }

    /** The device buffer of an iteration's results ({@link IterationScalars#COUNT} floats). */
    DeviceFloats results() {
        return b.scalars;
    }

    /** The host copy an iteration's results are read into. */
    IterationScalars scalars() {
        return scalars;
    }

    /** G alone, target = input: pre-training of G and the autoencoder variants. */
    private void reconstruction(int rows) {
        backend.fill(b.scalars, 0f);
        DeviceFloats recon = g.forward(b.xb, rows);
        updateGenerator(recon, b.xb, null, rows);
    }

    /** D alone, on the labels lG of the frozen G (gcl-pt's third pre-training step). */
    private void discriminatorPretraining(int rows) {
        backend.fill(b.scalars, 0f);
        DeviceFloats recon = g.forward(b.xb, rows);
        generatorLabels(recon, rows);
        trainDiscriminator(rows);
    }

    /** One cooperative iteration, steps 1-6; iteration keys the random streams of step 5. */
    private void cooperative(int rows, int iteration) {
        backend.fill(b.scalars, 0f);
        // 1-2: G reconstructs the batch; its per-row errors above mean + kG·std are lG
        DeviceFloats recon = g.forward(b.xb, rows);
        generatorLabels(recon, rows);
        DeviceFloats nlLabels = b.labelsG;
        if (d != null) {
            // 3: D learns lG; 4: the updated D's scores above mean + kD·std are lD
            trainDiscriminator(rows);
            DeviceFloats p = d.forward(b.xb, rows);
            threshold(p, rows, config.kD(), b.labelsD, D_SCORE_MEAN, D_ANOMALOUS_SHARE);
            nlLabels = b.labelsD;
        }
        // 5: negative learning: rows labelled anomalous get a target other than themselves
        NlTarget mode = config.nlTarget();
        if (mode == NlTarget.GAUSSIAN) {
            backend.philoxNormal(new RandomStream(config.seed(), Purpose.NOISE, iteration), 0, 0f,
                    (float) config.gaussianSigma(), b.noise, rows * dim);
        } else if (mode == NlTarget.RANDOM_NORMAL) {
            backend.philoxUniform(new RandomStream(config.seed(), Purpose.NL_PICK, iteration), 0, b.picks, rows);
        }
        backend.nlTargets(b.xb, nlLabels, mode, b.noise, b.picks, b.targets, b.weights, rows, dim);
        // 6: G learns the targets; G has not changed since step 1, so its activations still hold
        updateGenerator(recon, b.targets, b.weights, rows);
    }

    /** e = per-row reconstruction error; lG = e > mean + kG·std (masked for gcl-ws). */
    private void generatorLabels(DeviceFloats recon, int rows) {
        backend.rowMse(recon, b.xb, b.err, rows, dim);
        threshold(b.err, rows, config.kG(), b.labelsG, G_ERROR_MEAN, G_ANOMALOUS_SHARE);
    }

    /** labels = values > mean + k·std; the mean and std land in statsSlot, the share labelled 1 in shareSlot. */
    private void threshold(DeviceFloats values, int rows, double k, DeviceFloats labels, int statsSlot,
                           int shareSlot) {
        backend.meanStd(values, rows, b.stats);
        backend.copy(b.stats, 0, b.scalars, statsSlot, 2);
        backend.thresholdLabels(values, rows, b.stats, k, b.maskB, labels);
        backend.meanStd(labels, rows, b.share);
        backend.copy(b.share, 0, b.scalars, shareSlot, 1);
    }

    /** One BCE step of D on lG, or on min-max-scaled errors for soft labels. */
    private void trainDiscriminator(int rows) {
        DeviceFloats y = b.labelsG;
        if (b.softTargets != null) {
            backend.minMaxScale(b.err, rows, b.softTargets);
            y = b.softTargets;
        }
        DeviceFloats p = d.forward(b.xb, rows);
        backend.bceLossGrad(p, y, b.dProb, b.loss, rows);
        backend.copy(b.loss, 0, b.scalars, D_LOSS, 1);
        d.backwardAndStep(b.xb, b.dProb, rows, rms, b.scalars, BEFORE_D_STEP);
    }

    /** G's weighted-MSE step towards target (weights null: all 1). */
    private void updateGenerator(DeviceFloats recon, DeviceFloats target, DeviceFloats weights, int rows) {
        backend.weightedMseGrad(recon, target, weights, b.dRecon, b.loss, rows, dim);
        backend.copy(b.loss, 0, b.scalars, G_LOSS, 1);
        g.backwardAndStep(b.xb, b.dRecon, rows, rms, b.scalars, BEFORE_G_STEP);
    }

    private IterationScalars download() {
        backend.download(b.scalars, 0, scalars.values(), 0, IterationScalars.COUNT);
        return scalars;
    }
}
