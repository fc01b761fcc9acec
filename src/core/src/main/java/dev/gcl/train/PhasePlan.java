package dev.gcl.train;

import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.progress.Phase;
import dev.gcl.rng.Purpose;

import java.util.ArrayList;
import java.util.List;

/**
 * One phase of a variant's training (docs/algorithm.md "Pre-training" and "The variants"): which rows (subset null
 * = every row), how many epochs, which shuffle stream, and which step each iteration runs.
 */
record PhasePlan(Phase phase, int[] subset, int epochs, Purpose shuffle, Step step) {
    /** The iteration a phase runs: {@link GclIteration}'s three methods. */
    enum Step { RECONSTRUCTION, DISCRIMINATOR_PRETRAINING, COOPERATIVE }

    /** The phases of config's variant, in order; cleaning holds temporal cleaning's rows where the variant uses it. */
    static List<PhasePlan> of(GclConfig config, TrainingData data, TemporalCleaning.Result cleaning) {
        Variant v = config.variant();
        List<PhasePlan> plan = new ArrayList<>();
        if (v.isAutoencoderOnly()) {
            int[] subset = v == Variant.AE_TD ? cleaning.keptRows() : v == Variant.AE_OCC ? normalRows(data) : null;
            plan.add(new PhasePlan(Phase.AUTOENCODER, subset, config.epochs(), Purpose.SHUFFLE, Step.RECONSTRUCTION));
            return plan;
        }
        if (v.pretraining() != Variant.Pretraining.NONE && config.pretrainEpochs() > 0) {
            int[] gSubset = v.pretraining() == Variant.Pretraining.TEMPORALLY_CLEANED ? cleaning.keptRows()
                    : normalRows(data);
            plan.add(new PhasePlan(Phase.PRETRAIN_G, gSubset, config.pretrainEpochs(), Purpose.SHUFFLE_PRETRAIN_G,
                    Step.RECONSTRUCTION));
            plan.add(new PhasePlan(Phase.PRETRAIN_D, null, config.pretrainEpochs(), Purpose.SHUFFLE_PRETRAIN_D,
                    Step.DISCRIMINATOR_PRETRAINING));
        }
        plan.add(new PhasePlan(Phase.COOPERATIVE, null, config.epochs(), Purpose.SHUFFLE, Step.COOPERATIVE));
        return plan;
    }

    /** Whether the variant's plan needs temporal cleaning's rows. */
    static boolean needsCleaning(GclConfig config) {
        Variant v = config.variant();
        return v == Variant.AE_TD
                || (v.pretraining() == Variant.Pretraining.TEMPORALLY_CLEANED && config.pretrainEpochs() > 0);
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

    /** Rows in this phase's epochs. */
    int rows(TrainingData data) {
        return subset == null ? data.rows() : subset.length;
    }
}
