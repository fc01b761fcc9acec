package dev.gcl.train;

import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.NlTarget;
import dev.gcl.config.GclConfig;

/**
 * The device buffers of one batch, sized for {@code batch} rows of {@code dim} features, allocated once per fit.
 * Shapes: xb, targets, dRecon, noise (batch, dim); err, labelsG, labelsD, dProb, weights, picks, softTargets,
 * maskB (batch); stats, share (2); loss (1); scalars ({@link IterationScalars#COUNT}).
 */
final class IterationBuffers implements AutoCloseable {
    final DeviceFloats xb, err, stats, share, labelsG, labelsD, dProb, loss, targets, weights, dRecon, scalars;
    /** Only for the settings that use them, else null. */
    final DeviceFloats noise, picks, softTargets, maskB;
    private final Backend backend;

    IterationBuffers(Backend backend, GclConfig config, int batch, int dim, boolean weakLabels) {
        this.backend = backend;
        xb = backend.allocFloats(batch * dim);
        err = backend.allocFloats(batch);
        stats = backend.allocFloats(2);
        share = backend.allocFloats(2);
        labelsG = backend.allocFloats(batch);
        labelsD = backend.allocFloats(batch);
        dProb = backend.allocFloats(batch);
        loss = backend.allocFloats(1);
        targets = backend.allocFloats(batch * dim);
        weights = backend.allocFloats(batch);
        dRecon = backend.allocFloats(batch * dim);
        scalars = backend.allocFloats(IterationScalars.COUNT);
        noise = config.nlTarget() == NlTarget.GAUSSIAN ? backend.allocFloats(batch * dim) : null;
        picks = config.nlTarget() == NlTarget.RANDOM_NORMAL ? backend.allocFloats(batch) : null;
        softTargets = config.usesSoftLabels() ? backend.allocFloats(batch) : null;
        maskB = weakLabels ? backend.allocFloats(batch) : null;
    }

    @Override
    public void close() {
        for (DeviceFloats b : new DeviceFloats[] {xb, err, stats, share, labelsG, labelsD, dProb, loss, targets,
                weights, dRecon, scalars, noise, picks, softTargets, maskB}) {
            if (b != null) backend.free(b);
        }
    }
}
