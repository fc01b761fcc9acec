package dev.gcl.backend;

import dev.gcl.io.FeatureRows;
import dev.gcl.rng.RandomStream;

/**
 * The op set of GCL: every computation the trainer performs on network data goes through one of these methods,
 * and each method maps one-to-one to a CUDA kernel (named in its doc). {@link dev.gcl.backend.reference.ReferenceBackend} is
 * the reference implementation; every other backend must agree with it within the tolerances of the parity tests.
 *
 * <p>Conventions. Matrices are row-major float arrays; shapes are written {@code (rows, cols)}. Outputs are
 * overwritten ({@code =}) unless a method says it accumulates ({@code +=}). Scalar results (losses, statistics)
 * are written into small buffers so that a GPU backend never synchronises inside an op; the caller downloads them.
 * Output buffers must not alias inputs unless a method allows it.
 *
 * <p>Lifecycle. Create, allocate buffers, run ops, download results, {@link #close()}. Closing frees every buffer
 * the backend allocated; buffers must not be used afterwards. A backend instance is used by one thread at a time
 * (callers that share one must serialise access); buffers belong to the backend that allocated them.
 */
public interface Backend extends AutoCloseable {

    /** A short name ("reference", "blas", "cuda") for logs and run reports. */
    String name();

    /**
     * The device it computes on, for model.json's provenance and run reports ("NVIDIA H200 (GPU 0), compute
     * capability 9.0, ..."); null for the CPU backends.
     */
    default String device() {
        return null;
    }

    /**
     * Fails with {@link OutOfDeviceMemoryException}, the figures and what to do, when this backend's device has
     * less than bytes free: called before a run allocates anything, with its estimated need. Host backends, whose
     * memory is the JVM's and the machine's, accept any need.
     */
    default void checkFits(long bytes) {
    }

    /** The precision of the dense-layer products (FP32 unless a backend says otherwise); recorded in model.json. */
    default Precision precision() {
        return Precision.FP32;
    }

    /** The CPU threads the backend computes on, or 0 where that does not apply (CUDA) or is unknown. */
    default int threads() {
        return 0;
    }

    // ---------------------------------------------------------------- buffers

    /** A zero-filled float buffer of {@code length} elements. */
    DeviceFloats allocFloats(int length);

    /** A zero-filled int buffer of {@code length} elements. */
    DeviceInts allocInts(int length);

    /** dst[dstOffset + i] = src[srcOffset + i], i in [0, n). */
    void upload(float[] src, int srcOffset, DeviceFloats dst, int dstOffset, int n);

    /**
     * A read-only buffer with the contents of host, for large inputs such as the training set: a backend whose
     * memory is the host heap may keep a reference instead of copying (the CPU backend does), so the caller must not
     * modify host while the buffer lives. Ops must never write to it. Default: allocate and upload.
     */
    default DeviceFloats share(float[] host) {
        DeviceFloats d = allocFloats(host.length);
        upload(host, 0, d, 0, host.length);
        return d;
    }

    /** dst[dstOffset + i] = src[srcOffset + i], i in [0, n). */
    void upload(int[] src, int srcOffset, DeviceInts dst, int dstOffset, int n);

    /** dst[dstOffset + i] = src[srcOffset + i], i in [0, n). */
    void download(DeviceFloats src, int srcOffset, float[] dst, int dstOffset, int n);

    /** Fills a float buffer with one value (used to poison outputs in tests and to clear optimiser state). */
    void fill(DeviceFloats buffer, float value);

    /**
     * dst[dstOffset + i] = src[srcOffset + i], i in [0, n), within the backend's memory: the trainer gathers an
     * iteration's losses and statistics into one buffer this way, to download them once.
     */
    void copy(DeviceFloats src, int srcOffset, DeviceFloats dst, int dstOffset, int n);

    /** Releases a buffer now rather than at {@link #close()}. Freeing twice is an error. */
    void free(DeviceFloats buffer);

    /** Releases a buffer now rather than at {@link #close()}. Freeing twice is an error. */
    void free(DeviceInts buffer);

    // ---------------------------------------------------------------- dense layers (kernels/dense.cu)

    /**
     * Kernel {@code dense_forward}: out = act(in · wᵀ + b).
     * in is (rows, inDim), w is (outDim, inDim), b is (outDim), out is (rows, outDim), written (=).
     */
    void denseForward(DeviceFloats in, DeviceFloats w, DeviceFloats b, DeviceFloats out,
                      int rows, int inDim, int outDim, Activation act);

    /**
     * Kernels {@code dense_backward_*}: with dz = dOut ⊙ act'(out) (the derivative taken from the saved output),
     * dIn = dz · w, dW = dzᵀ · in, dB = column sums of dz. All written (=).
     * in is (rows, inDim), w is (outDim, inDim), out and dOut are (rows, outDim), dIn is (rows, inDim) or null to
     * skip it (first layer), dW is (outDim, inDim), dB is (outDim).
     */
    void denseBackward(DeviceFloats in, DeviceFloats w, DeviceFloats out, DeviceFloats dOut,
                       DeviceFloats dIn, DeviceFloats dW, DeviceFloats dB,
                       int rows, int inDim, int outDim, Activation act);

    // ---------------------------------------------------------------- statistics and labels (kernels/stats.cu)

    /**
     * Kernel {@code row_mse}: err[r] = mean_j (a[r,j] - b[r,j])². a and b are (rows, cols), err is (rows), (=).
     */
    void rowMse(DeviceFloats a, DeviceFloats b, DeviceFloats err, int rows, int cols);

    /**
     * Kernel {@code mean_std}: stats[0] = mean(v[0..n)), stats[1] = unbiased sample standard deviation (n - 1).
     * n >= 2. stats has at least 2 elements, (=).
     */
    void meanStd(DeviceFloats v, int n, DeviceFloats stats);

    /**
     * Kernel {@code threshold_labels}: labels[i] = 1 if v[i] > stats[0] + k·stats[1] (evaluated in double) and
     * (mask is null or mask[i] != 0), else 0. v, mask and labels are (n), (=).
     */
    void thresholdLabels(DeviceFloats v, int n, DeviceFloats stats, double k, DeviceFloats mask,
                         DeviceFloats labels);

    /**
     * Kernel {@code min_max_scale}: out[i] = (v[i] - min v) / (max v - min v), or 0 when max = min. (n), (=).
     * The soft labels of the {@code soft-labels} variant.
     */
    void minMaxScale(DeviceFloats v, int n, DeviceFloats out);

    // ---------------------------------------------------------------- negative learning (kernels/nl_targets.cu)

    /**
     * Kernel {@code nl_targets}: reconstruction targets and row weights from labels (1 = anomalous).
     * For a row with label 0: target = x, weight = 1. For a row with label 1, by mode:
     * ONES: target = 1, weight 1; RANDOM_NORMAL: target = x[r] with r = normalRows[floor(picks[i] · count)],
     * normalRows being the rows with label 0 in ascending order (if there are none, target = x); GAUSSIAN:
     * target = x + noise, weight 1; NONE: target = x, weight 0.
     * x, noise and targets are (rows, cols); labels, picks and weights are (rows). noise is read only for GAUSSIAN,
     * picks (uniforms in (0,1)) only for RANDOM_NORMAL; either may be null otherwise. targets and weights (=).
     */
    void nlTargets(DeviceFloats x, DeviceFloats labels, NlTarget mode, DeviceFloats noise, DeviceFloats picks,
                   DeviceFloats targets, DeviceFloats weights, int rows, int cols);

    // ---------------------------------------------------------------- losses (kernels/loss.cu)

    /**
     * Kernel {@code bce_loss_grad}, PyTorch's BCELoss with mean reduction: loss[0] = -mean_i (y_i·max(ln p_i, -100)
     * + (1 - y_i)·max(ln(1 - p_i), -100)); dP[i] = (p_i - y_i) / max(p_i (1 - p_i), 1e-12) / n.
     * p, y and dP are (n); loss has at least 1 element. All (=).
     */
    void bceLossGrad(DeviceFloats p, DeviceFloats y, DeviceFloats dP, DeviceFloats loss, int n);

    /**
     * Kernel {@code weighted_mse_grad}: with W = Σ_i w_i, loss[0] = Σ_i w_i · mean_j (out - t)² / W and
     * dOut[i,j] = 2 w_i (out[i,j] - t[i,j]) / (cols · W); weights null means all 1; W = 0 gives loss 0 and dOut 0.
     * out, t and dOut are (rows, cols), weights (rows). All (=).
     */
    void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights, DeviceFloats dOut,
                         DeviceFloats loss, int rows, int cols);

    // ---------------------------------------------------------------- optimiser (kernels/rmsprop.cu)

    /**
     * Kernel {@code rmsprop}, PyTorch semantics, element-wise over n: v = alpha·v + (1 - alpha)·g²;
     * buf = momentum·buf + g / (sqrt(v) + eps); param -= lr·buf. param, v and buf are updated in place.
     * Nothing changes when any of guard[0, guardLength) is NaN or infinite (guard null: always steps): the trainer
     * passes the losses and statistics its iteration has computed so far, so that an update after a non-finite
     * value is skipped on the device without a download (see {@code dev.gcl.train.GclIteration}).
     */
    void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats squareAvg, DeviceFloats momentumBuf, int n,
                 double lr, double alpha, double eps, double momentum, DeviceFloats guard, int guardLength);

    // ---------------------------------------------------------------- data movement (kernels/gather.cu)

    /**
     * Kernel {@code gather_rows}: dst[r, :] = src[indices[indexOffset + r], :] for r in [0, rows).
     * src is (anything, cols), dst is (rows, cols), (=).
     */
    void gatherRows(DeviceFloats src, DeviceInts indices, int indexOffset, DeviceFloats dst, int rows, int cols);

    /**
     * The training batch from host memory: dst[r, :] = source row {@code indices[indexOffset + r]}, r in [0, rows);
     * dst is (rows, source.dim()), (=). The source may be memory-mapped and larger than 2^31 elements; the rows go
     * straight into dst where the backend's memory is host memory (the CPU backends), no copy of the data set is
     * made. Default: gathered into a heap array, then uploaded (a device backend streaming each batch).
     */
    default void gatherHostRows(FeatureRows source, int[] indices, int indexOffset, DeviceFloats dst, int rows) {
        int dim = source.dim();
        float[] staging = new float[Math.multiplyExact(rows, dim)];
        for (int r = 0; r < rows; r++) source.copyRow(indices[indexOffset + r], staging, r * dim);
        upload(staging, 0, dst, 0, staging.length);
    }

    /**
     * A hint: the next {@link #gatherHostRows} will very likely ask for these rows (the next batch), so a device
     * backend may gather and copy them while it computes on the current batch. The next gather returns the rows it
     * is asked for whatever was hinted. Default: nothing.
     */
    default void prefetchHostRows(FeatureRows source, int[] indices, int indexOffset, int rows) {
    }

    /**
     * The feature rows copied once into this backend's memory, to be read by {@link #gatherRows}, or null when
     * batches are better gathered from host memory by {@link #gatherHostRows}: the CPU backends (their memory is
     * the host's, a copy would only double it) and a device the rows do not fit. Default null.
     */
    default DeviceFloats residentRows(FeatureRows source) {
        return null;
    }

    // ---------------------------------------------------------------- random numbers (kernels/philox.cu)

    /** Kernel {@code philox_uniform}: out[i] = stream.uniform(start + i), i in [0, n), (=). */
    void philoxUniform(RandomStream stream, long start, DeviceFloats out, int n);

    /** Kernel {@code philox_normal}: out[i] = mean + std · stream.normal(start + i), i in [0, n), (=). */
    void philoxNormal(RandomStream stream, long start, float mean, float std, DeviceFloats out, int n);

    // ---------------------------------------------------------------- iterations as one launch

    /**
     * A new set of {@link IterationGraphs} for one fit on this backend (each iteration recorded once per shape and
     * replayed with one launch, its results read one iteration later without a host wait), or null where the
     * backend runs each op as it is called (the CPU backends; CUDA with {@code GCL_CUDA_GRAPHS=off}). The caller
     * closes it before the buffers its iterations use.
     */
    default IterationGraphs iterationGraphs() {
        return null;
    }

    /** Frees every buffer this backend allocated. */
    @Override
    void close();
}
