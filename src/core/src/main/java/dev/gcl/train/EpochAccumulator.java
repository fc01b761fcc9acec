package dev.gcl.train;

import static dev.gcl.train.IterationScalars.D_ANOMALOUS_SHARE;
import static dev.gcl.train.IterationScalars.D_LOSS;
import static dev.gcl.train.IterationScalars.D_SCORE_MEAN;
import static dev.gcl.train.IterationScalars.D_SCORE_STD;
import static dev.gcl.train.IterationScalars.G_ANOMALOUS_SHARE;
import static dev.gcl.train.IterationScalars.G_ERROR_MEAN;
import static dev.gcl.train.IterationScalars.G_ERROR_STD;
import static dev.gcl.train.IterationScalars.G_LOSS;

/** An epoch's running sums of losses and label counts, and the last iteration's values for progress reports. */
final class EpochAccumulator {
    double gLoss, dLoss;
    long anomalousG, anomalousD, segments;
    int iterations;
    boolean hasG, hasD, hasLabelsG, hasLabelsD;
    int lastAnomalousG, lastAnomalousD;
    double lastG = Double.NaN, lastD = Double.NaN;
    double priorSeconds;

    /** Continues a checkpoint's partial epoch. */
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

    /**
     * Adds an iteration's scalars in the order its steps computed them; the first non-finite value goes to
     * nonFinite and ends the reading (under SKIP_BATCH the batch's later values count for nothing).
     */
    void add(PhasePlan.Step step, boolean withD, IterationScalars s, int rows, NonFiniteValues nonFinite,
             int globalIteration) {
        switch (step) {
            case RECONSTRUCTION:
                addG(s, nonFinite, globalIteration);
                break;
            case DISCRIMINATOR_PRETRAINING:
                if (addLabelsG(s, rows, nonFinite, globalIteration)) addD(s, nonFinite, globalIteration);
                break;
            case COOPERATIVE:
                if (!addLabelsG(s, rows, nonFinite, globalIteration)) break;
                if (withD && !(addD(s, nonFinite, globalIteration) && addLabelsD(s, rows, nonFinite,
                        globalIteration))) {
                    break;
                }
                addG(s, nonFinite, globalIteration);
                break;
            default:
                throw new IllegalStateException(step.name());
        }
    }

    private boolean addLabelsG(IterationScalars s, int rows, NonFiniteValues nonFinite, int iteration) {
        if (!s.finite(G_ERROR_MEAN, G_ERROR_STD)) return notFinite(nonFinite, "G reconstruction error", iteration);
        lastAnomalousG = s.count(G_ANOMALOUS_SHARE, rows);
        anomalousG += lastAnomalousG;
        hasLabelsG = true;
        return true;
    }

    private boolean addLabelsD(IterationScalars s, int rows, NonFiniteValues nonFinite, int iteration) {
        if (!s.finite(D_SCORE_MEAN, D_SCORE_STD)) return notFinite(nonFinite, "D score", iteration);
        lastAnomalousD = s.count(D_ANOMALOUS_SHARE, rows);
        anomalousD += lastAnomalousD;
        hasLabelsD = true;
        return true;
    }

    private boolean addD(IterationScalars s, NonFiniteValues nonFinite, int iteration) {
        if (!lossFinite(s, D_LOSS, "D", nonFinite, iteration)) return false;
        lastD = s.get(D_LOSS);
        dLoss += lastD;
        hasD = true;
        return true;
    }

    private void addG(IterationScalars s, NonFiniteValues nonFinite, int iteration) {
        if (!lossFinite(s, G_LOSS, "G", nonFinite, iteration)) return;
        lastG = s.get(G_LOSS);
        gLoss += lastG;
        hasG = true;
    }

    private static boolean lossFinite(IterationScalars s, int slot, String network, NonFiniteValues nonFinite,
                                      int iteration) {
        double l = s.get(slot);
        if (Double.isFinite(l)) return true;
        nonFinite.found(network, l, iteration);
        return false;
    }

    private static boolean notFinite(NonFiniteValues nonFinite, String what, int iteration) {
        nonFinite.found(what, Double.NaN, iteration);
        return false;
    }
}
