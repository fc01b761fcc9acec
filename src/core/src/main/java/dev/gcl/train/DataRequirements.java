package dev.gcl.train;

import dev.gcl.config.GclConfig;
import dev.gcl.config.Variant;
import dev.gcl.data.TrainingData;
import dev.gcl.io.InvalidInputException;

/** What a variant needs of its training data: rows, a time axis, video labels; checked once, before a fit. */
final class DataRequirements {
    private DataRequirements() {}

    /** Throws {@link InvalidInputException} naming what is missing. */
    static void check(GclConfig config, TrainingData data) {
        Variant v = config.variant();
        if (data.rows() < 2) {
            throw new InvalidInputException("training data: needs at least 2 segments, got " + data.rows());
        }
        if (v.needsTimeAxis() && !data.hasTimeAxis()) {
            throw new InvalidInputException("variant " + v.cliName() + " uses temporal cleaning, which needs video"
                    + " data with a time axis; this data is a flat matrix (use gcl-b, gcl-occ, gcl-ws, ae-all or"
                    + " ae-occ)");
        }
        if (v.needsVideoLabels()) {
            if (!data.hasVideoLabels()) {
                throw new InvalidInputException("variant " + v.cliName() + " needs training video labels"
                        + " (TrainingData.withVideoLabels), but the data has none");
            }
            int normal = v == Variant.GCL_WS ? 2 : PhasePlan.normalRows(data).length;
            if (normal < 2) {
                throw new InvalidInputException("variant " + v.cliName() + " needs at least 2 segments of videos"
                        + " labelled normal, found " + normal);
            }
        }
    }
}
