package dev.gcl.backend.reference;

import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.LiveBuffers;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.RowParallel;

import java.nio.FloatBuffer;

/**
 * A backend whose buffers live in host memory and can be read as {@link FloatBuffer}s (heap arrays or native
 * memory): the reference's statistics, labels, NL targets, losses and row gather ({@link VectorMath}), written once
 * for {@link ReferenceBackend} and the OpenBLAS backend, which therefore agree on these ops bit for bit (the
 * OpenBLAS backend overrides the weighted MSE with its own code, which keeps the reference's bits). Subclasses
 * give their float buffers (and views of them) and the dense layers, optimiser, float transfers and random fills;
 * index buffers are heap arrays here.
 */
public abstract class HostBackend implements Backend {
    /** The threads that split work by rows (or output columns), never inside one sum. */
    protected final RowParallel parallel;
    /** The buffers allocated and not yet freed; closed with the backend. */
    protected final LiveBuffers live = new LiveBuffers();
    private final VectorMath vectors;

    protected HostBackend(RowParallel parallel) {
        this.parallel = parallel;
        this.vectors = new VectorMath(parallel);
    }

    /** Number of buffers allocated and not yet freed (for leak tests). */
    public final int liveBuffers() {
        return live.size();
    }

    /** The threads its row passes run on. */
    @Override
    public final int threads() {
        return parallel.threads();
    }

    /** The floats of a live buffer of this backend, as a view of all of it; null for null. */
    protected abstract FloatBuffer floats(DeviceFloats buffer);

    /** A new zero-filled float buffer of this backend's kind (heap array or native memory). */
    protected abstract DeviceFloats newFloats(int length);

    /** A read-only float buffer over host, kept without copying. */
    protected abstract DeviceFloats wrapShared(float[] host);

    @Override
    public final DeviceFloats allocFloats(int length) {
        live.checkNew(length);
        return live.add(newFloats(length));
    }

    /** Keeps host without copying: the training set is only gathered from, never duplicated on the heap. */
    @Override
    public final DeviceFloats share(float[] host) {
        live.checkOpen();
        return live.add(wrapShared(host));
    }

    /** Index buffers: heap arrays on every host backend. */
    private static final class Ints implements DeviceInts {
        final int[] a;
        Ints(int n) { a = new int[n]; }
        @Override public int length() { return a.length; }
    }

    /** The ints of a live buffer of this backend. */
    protected final int[] ints(DeviceInts buffer) {
        return live.get(buffer, Ints.class).a;
    }

    @Override
    public final DeviceInts allocInts(int length) {
        live.checkNew(length);
        return live.add(new Ints(length));
    }

    @Override
    public final void upload(int[] src, int srcOffset, DeviceInts dst, int dstOffset, int n) {
        System.arraycopy(src, srcOffset, ints(dst), dstOffset, n);
    }

    @Override
    public final void free(DeviceInts buffer) {
        ints(buffer);
        live.remove(buffer);
    }

    /** Overridable by a faster backend held to the reference by its parity tolerances (the OpenBLAS backend's). */
    @Override
    public void rowMse(DeviceFloats a, DeviceFloats b, DeviceFloats err, int rows, int cols) {
        vectors.rowMse(floats(a), floats(b), floats(err), rows, cols);
    }

    @Override
    public final void meanStd(DeviceFloats v, int n, DeviceFloats stats) {
        VectorMath.meanStd(floats(v), n, floats(stats));
    }

    @Override
    public final void thresholdLabels(DeviceFloats v, int n, DeviceFloats stats, double k, DeviceFloats mask,
                                      DeviceFloats labels) {
        VectorMath.thresholdLabels(floats(v), n, floats(stats), k, floats(mask), floats(labels));
    }

    @Override
    public final void minMaxScale(DeviceFloats v, int n, DeviceFloats out) {
        VectorMath.minMaxScale(floats(v), n, floats(out));
    }

    /** noise is read only by GAUSSIAN and picks only by RANDOM_NORMAL (the others may pass anything). */
    @Override
    public final void nlTargets(DeviceFloats x, DeviceFloats labels, NlTarget mode, DeviceFloats noise,
                                DeviceFloats picks, DeviceFloats targets, DeviceFloats weights, int rows, int cols) {
        vectors.nlTargets(floats(x), floats(labels), mode, mode == NlTarget.GAUSSIAN ? floats(noise) : null,
                mode == NlTarget.RANDOM_NORMAL ? floats(picks) : null, floats(targets), floats(weights), rows, cols);
    }

    @Override
    public final void bceLossGrad(DeviceFloats p, DeviceFloats y, DeviceFloats dP, DeviceFloats loss, int n) {
        VectorMath.bceLossGrad(floats(p), floats(y), floats(dP), floats(loss), n);
    }

    /** Overridable by a faster backend held to the reference by its parity tolerances (the OpenBLAS backend's). */
    @Override
    public void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights,
                                      DeviceFloats dOut, DeviceFloats loss, int rows, int cols) {
        vectors.weightedMseGrad(floats(out), floats(target), floats(weights), floats(dOut), floats(loss), rows,
                cols);
    }

    @Override
    public final void gatherRows(DeviceFloats src, DeviceInts indices, int indexOffset, DeviceFloats dst,
                                 int rows, int cols) {
        vectors.gatherRows(floats(src), ints(indices), indexOffset, floats(dst), rows, cols);
    }
}
