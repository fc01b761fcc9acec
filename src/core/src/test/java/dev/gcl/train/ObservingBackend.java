package dev.gcl.train;

import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.ForwardingBackend;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.reference.ReferenceBackend;
import dev.gcl.io.FeatureRows;
import dev.gcl.progress.Phase;
import dev.gcl.progress.TrainingListener;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A CPU backend that watches the trainer: which rows each phase trains on, and the inputs and outputs of the ops
 * that carry the spec's decisions (labels, targets, weights). Also a listener, to know the current phase.
 */
class ObservingBackend extends ForwardingBackend implements TrainingListener {
    final int dim;
    Phase phase;
    final List<Phase> phases = new ArrayList<>();
    final Map<Phase, TreeSet<Integer>> rowsSeen = new EnumMap<>(Phase.class);
    /** Data rows of the current batch, in batch order. */
    int[] batchRows = new int[0];
    private int[] order = new int[0];
    float[] lastErr, lastLabels, lastMask, lastX;
    int nlCalls, bceCalls, labelCalls;
    final List<String> messages = new ArrayList<>();

    ObservingBackend(int dim) {
        super(new ReferenceBackend(2));
        this.dim = dim;
    }

    @Override
    public void onPhaseStart(Phase p, int epochs, int iterationsPerEpoch) {
        phase = p;
        phases.add(p);
    }

    @Override
    public void onMessage(String message) {
        messages.add(message);
    }

    @Override
    public void upload(int[] src, int so, DeviceInts dst, int dof, int n) {
        order = java.util.Arrays.copyOfRange(src, so, so + n);
        super.upload(src, so, dst, dof, n);
    }

    @Override
    public void gatherRows(DeviceFloats src, DeviceInts indices, int off, DeviceFloats dst, int rows, int cols) {
        super.gatherRows(src, indices, off, dst, rows, cols);
        if (cols == dim) observeBatch(java.util.Arrays.copyOfRange(order, off, off + rows), dst, rows);
    }

    @Override
    public void gatherHostRows(FeatureRows source, int[] indices, int off, DeviceFloats dst, int rows) {
        super.gatherHostRows(source, indices, off, dst, rows);
        observeBatch(java.util.Arrays.copyOfRange(indices, off, off + rows), dst, rows);
    }

    private void observeBatch(int[] rowsOfBatch, DeviceFloats dst, int rows) {
        batchRows = rowsOfBatch;
        TreeSet<Integer> seen = rowsSeen.computeIfAbsent(phase, k -> new TreeSet<>());
        for (int r : batchRows) seen.add(r);
        lastX = read(dst, rows * dim);
    }

    @Override
    public void rowMse(DeviceFloats a, DeviceFloats b, DeviceFloats err, int rows, int cols) {
        super.rowMse(a, b, err, rows, cols);
        lastErr = read(err, rows);
    }

    @Override
    public void thresholdLabels(DeviceFloats v, int n, DeviceFloats stats, double k, DeviceFloats mask,
                                DeviceFloats labels) {
        super.thresholdLabels(v, n, stats, k, mask, labels);
        labelCalls++;
        lastLabels = read(labels, n);
        lastMask = mask == null ? null : read(mask, n);
        onLabels(lastLabels, lastMask, k);
    }

    /** Hook: after each thresholdLabels. */
    void onLabels(float[] labels, float[] mask, double k) {}

    @Override
    public void bceLossGrad(DeviceFloats p, DeviceFloats y, DeviceFloats dP, DeviceFloats loss, int n) {
        super.bceLossGrad(p, y, dP, loss, n);
        bceCalls++;
        onBce(read(y, n));
    }

    /** Hook: the labels D is trained on. */
    void onBce(float[] y) {}

    @Override
    public void nlTargets(DeviceFloats x, DeviceFloats labels, NlTarget mode, DeviceFloats noise, DeviceFloats picks,
                          DeviceFloats targets, DeviceFloats weights, int rows, int cols) {
        super.nlTargets(x, labels, mode, noise, picks, targets, weights, rows, cols);
        nlCalls++;
        onTargets(read(x, rows * cols), read(labels, rows), read(targets, rows * cols), read(weights, rows), rows,
                cols);
    }

    /** Hook: the targets G is trained towards. */
    void onTargets(float[] x, float[] labels, float[] targets, float[] weights, int rows, int cols) {}
}
