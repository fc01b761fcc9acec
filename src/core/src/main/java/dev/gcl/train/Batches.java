package dev.gcl.train;

import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.data.TrainingData;

/**
 * Where batches come from: the training rows (resident on the device when the backend can hold them, else
 * gathered from host or mapped memory batch by batch) and an epoch's order; gcl-ws's label mask rides along.
 */
final class Batches implements AutoCloseable {
    private final Backend backend;
    private final TrainingData data;
    private final IterationBuffers buffers;
    private final int batch;
    private final DeviceFloats features, maskAll;
    private final DeviceInts order;

    /** weakLabelMask (one value per row, gcl-ws) may be null. */
    Batches(Backend backend, TrainingData data, IterationBuffers buffers, int batch, float[] weakLabelMask) {
        this.backend = backend;
        this.data = data;
        this.buffers = buffers;
        this.batch = batch;
        features = backend.residentRows(data.featureRows());
        order = backend.allocInts(data.rows());
        maskAll = weakLabelMask == null ? null : backend.share(weakLabelMask);
    }

    /** This epoch's row order, rowsOrder[0, n). */
    void order(int[] rowsOrder, int n) {
        backend.upload(rowsOrder, 0, order, 0, n);
    }

    /** Whether {@link #load} only runs ops on the backend's memory (resident rows): it may then be recorded. */
    boolean onDevice() {
        return features != null;
    }

    /** Rows rowsOrder[start, start + rows) into xb (and the mask into maskB); names the next batch to the backend. */
    void load(int[] rowsOrder, int start, int rows, int n) {
        if (features != null) {
            backend.gatherRows(features, order, start, buffers.xb, rows, data.dim());
        } else {
            backend.gatherHostRows(data.featureRows(), rowsOrder, start, buffers.xb, rows);
            int nextRows = Math.min(batch, n - (start + batch));
            if (nextRows >= 2) backend.prefetchHostRows(data.featureRows(), rowsOrder, start + batch, nextRows);
        }
        if (maskAll != null) backend.gatherRows(maskAll, order, start, buffers.maskB, rows, 1);
    }

    @Override
    public void close() {
        if (features != null) backend.free(features);
        if (maskAll != null) backend.free(maskAll);
        backend.free(order);
    }
}
