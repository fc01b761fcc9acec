package dev.gcl.backend.cuda;

import dev.gcl.backend.Activation;
import dev.gcl.backend.Backend;
import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.DeviceInts;
import dev.gcl.backend.IterationGraphs;
import dev.gcl.backend.LiveBuffers;
import dev.gcl.backend.NlTarget;
import dev.gcl.backend.OutOfDeviceMemoryException;
import dev.gcl.backend.Precision;
import dev.gcl.io.FeatureRows;
import dev.gcl.io.InvalidInputException;
import dev.gcl.rng.RandomStream;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

import java.util.ArrayList;
import java.util.List;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * The GPU backend of GCL (Zaheer, Mahmood, Khan, Segu, Yu, Lee: "Generative Cooperative Learning for
 * Unsupervised Video Anomaly Detection", CVPR 2022): every {@link Backend} op is one or a few launches of the
 * hand-written kernels in {@code kernels/*.cu}, through JCuda's driver API, on the primary context of the device
 * {@link CudaProbe} places it on (docs/gpu.md, "First run on your GPU").
 *
 * <p>Each backend has its own stream (non-blocking: backends of one process, such as the runs of
 * {@code gcl sweep --jobs N}, run side by side on the device), and every op of it is queued there in call order.
 * Ops never synchronise but {@link #download}, {@link #upload} (through page-locked staging memory, so the copy is
 * ordered after the kernels before it) and {@link #synchronize}. Launch failures therefore surface at the next
 * synchronising call; with {@code -Dgcl.cuda.sync=true} every launch is followed by a synchronise, so a failure
 * names its op. Feature rows that fit the device are uploaded once per process and shared by every backend
 * training on them ({@link #residentRows}); otherwise each batch is streamed from host memory, the next one
 * gathered and copied while the device trains on the current one ({@link #prefetchHostRows}). A trainer replays
 * each iteration as one CUDA graph ({@link #iterationGraphs}, {@link CudaIterationGraphs}): while an iteration's ops
 * run for one, gathers and random streams read the iteration's batch start and number from device memory.
 * Every public method first makes the shared context current on the calling thread, so any thread may use a
 * backend (one at a time, as {@link Backend} requires). {@link #close()} frees all device memory of this backend.
 *
 * <p>Arithmetic: FP32 GEMMs ({@code kernels/dense.cu}'s 64×64 tiles or {@code kernels/dense_big.cu}'s 128×128
 * tiles and split-k dW, chosen by shape in {@link DenseGemmPlan#choose}; the CPU reference sums in double, so dense
 * results differ in the last bits), or with
 * {@link Precision#TF32} the tensor-core GEMMs of {@code kernels/dense_tf32.cu} (64×64 tiles) or
 * {@code kernels/dense_tf32_big.cu} (128×128 tiles, cp.async pipeline, split-k dW), chosen by shape in
 * {@link DenseGemmPlan#chooseTf32} (inputs rounded to TF32, FP32 sums); reductions in double in a fixed order, element-wise ops in double rounded once; no floating-point atomics,
 * so repeated runs are bit-identical in either precision. Parity tolerances: {@link dev.gcl.verify.ParityTolerances}.
 */
public final class CudaBackend implements Backend {
    private static final int THREADS = 256;          // GCL_THREADS in kernels/gcl_common.cuh
    private static final int REDUCE_THREADS = 1024;  // GCL_REDUCE_THREADS
    private static final int BIAS_TILE = 32;         // BIAS_COLS = BIAS_LANES in kernels/dense.cu
    private static final int BIAS_TARGET_BLOCKS = 1024;  // dB's first pass: about 8 blocks per SM of an H200
    private static final int BIAS_MIN_CHUNK_ROWS = 256;  // fewer rows per chunk: more partials than rows read
    private static final int ROWS_PER_WARP_BLOCK = THREADS / 32;
    private static final int MAX_GRID = 1 << 20;     // grid-stride kernels need no more blocks than this
    private static final boolean SYNC_EACH_LAUNCH = Boolean.getBoolean("gcl.cuda.sync");

    private final CudaRuntime runtime;
    private final Precision precision;
    private final DenseGemmPlan.Planner gemmPlanner;
    private final LiveBuffers live = new LiveBuffers();
    private final CUstream stream = new CUstream();
    private final PinnedStaging staging = new PinnedStaging();
    private HostRowStreamer rowStreamer;  // made when a batch is first streamed from host memory
    private final List<CudaIterationGraphs> graphSets = new ArrayList<>();
    private CudaIterationGraphs.Recording recording;  // set while an iteration's ops run for graphs
    private int scratchGeneration;  // grows when a scratch buffer moves: graphs captured before then are stale

    // scratch, grown on demand, freed on close
    private final Scratch dz = new Scratch(Float.BYTES);            // (rows, outDim) of denseBackward
    private final Scratch partials = new Scratch(Float.BYTES);      // (splits, outDim, inDim) of a split dW
    private final Scratch normalRows = new Scratch(Integer.BYTES);  // (rows) of nlTargets RANDOM_NORMAL
    private final Scratch normalCount = new Scratch(Integer.BYTES); // (1)
    private final Scratch rowLoss = new Scratch(Double.BYTES);      // (rows) of weightedMseGrad
    private final Scratch lossScale = new Scratch(Double.BYTES);    // (1)
    private final Scratch biasPartials = new Scratch(Double.BYTES); // (chunks, outDim) of denseBackward's dB

    /**
     * An FP32 backend on the device {@link CudaProbe} chooses; throws IllegalStateException with the probe's reason
     * when CUDA is unavailable.
     */
    public CudaBackend() {
        this(Precision.FP32);
    }

    /**
     * A backend whose dense-layer GEMMs use this precision, on the device {@link CudaProbe#place()} chooses (the
     * pinned one, else the usable device with the fewest open backends); throws IllegalStateException with the
     * probe's reason when CUDA is unavailable, and InvalidInputException when TF32 is asked of a GPU without TF32
     * tensor cores (compute capability 7.5).
     */
    public CudaBackend(Precision precision) {
        this(precision, DenseGemmPlan.planner(precision == null ? Precision.FP32 : precision));
    }

    /**
     * A backend whose dense products use the kernels gemmPlanner picks (tests force each kernel with it); each
     * plan's kernel must be one of this precision's (else the product throws IllegalStateException).
     */
    CudaBackend(Precision precision, DenseGemmPlan.Planner gemmPlanner) {
        this(precision, gemmPlanner, placed());
    }

    /** A backend on this device's runtime (the canary checks a device before any placement). */
    CudaBackend(Precision precision, DenseGemmPlan.Planner gemmPlanner, CudaRuntime runtime) {
        if (precision == null) throw new IllegalArgumentException("precision must not be null");
        if (gemmPlanner == null) throw new IllegalArgumentException("gemmPlanner must not be null");
        if (precision == Precision.TF32 && !runtime.supportsTf32()) {
            throw new InvalidInputException("precision tf32 needs TF32 tensor cores (compute capability 8.0 or "
                    + "newer): " + runtime.info.label() + " has none; train in fp32");
        }
        this.runtime = runtime;
        this.precision = precision;
        this.gemmPlanner = gemmPlanner;
        runtime.makeCurrent();
        op("stream", () -> cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING));
        runtime.backendOpened();
    }

    private static CudaRuntime placed() {
        CudaProbe probe = CudaProbe.get();
        if (!probe.available()) throw new IllegalStateException("CUDA backend unavailable: " + probe.reason());
        return CudaProbe.place();
    }

    /** The precision of the dense-layer GEMMs. */
    public Precision precision() {
        return precision;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String device() {
        return description();
    }

    /** Device, kernel image and GEMM precision, for run reports. */
    public String description() {
        return runtime.info.name() + " (GPU " + runtime.info.ordinal() + "), compute capability "
                + runtime.info.major() + "." + runtime.info.minor() + ", kernels from the "
                + runtime.loaded.description() + ", " + precision.cliName() + " GEMMs";
    }

    // ---------------------------------------------------------------- buffers

    private final class Floats implements DeviceFloats {
        final CUdeviceptr ptr;
        final int length;
        final CudaRuntime.Resident shared;  // feature rows shared with other backends, else null
        Floats(CUdeviceptr ptr, int length) { this(ptr, length, null); }
        Floats(CUdeviceptr ptr, int length, CudaRuntime.Resident shared) {
            this.ptr = ptr;
            this.length = length;
            this.shared = shared;
        }
        @Override public int length() { return length; }
        @Override public String toString() { return "cuda floats[" + length + "]"; }
    }

    private final class Ints implements DeviceInts {
        final CUdeviceptr ptr;
        final int length;
        Ints(CUdeviceptr ptr, int length) { this.ptr = ptr; this.length = length; }
        @Override public int length() { return length; }
        @Override public String toString() { return "cuda ints[" + length + "]"; }
    }

    /** A device buffer of this backend that only grows. */
    private final class Scratch {
        final int elementBytes;
        CUdeviceptr ptr;
        long capacity;
        Scratch(int elementBytes) { this.elementBytes = elementBytes; }

        CUdeviceptr atLeast(long elements) {
            if (ptr == null || capacity < elements) {
                if (recording != null && recording.capturing) {
                    throw new GraphCaptureException("a scratch buffer must grow while an iteration is captured");
                }
                scratchGeneration++;
                release();
                ptr = deviceAlloc(Math.max(1, elements) * elementBytes);
                capacity = Math.max(1, elements);
            }
            return ptr;
        }

        void release() {
            if (ptr != null) {
                cuStreamSynchronize(stream);  // no queued kernel may still use it
                cuMemFree(ptr);
            }
            ptr = null;
            capacity = 0;
        }
    }

    /** The device pointer of a live buffer of this backend; null for null (optional arguments). */
    private CUdeviceptr f(DeviceFloats b) {
        Floats x = live.get(b, Floats.class);
        return x == null ? null : x.ptr;
    }

    private CUdeviceptr i(DeviceInts b) {
        return live.get(b, Ints.class).ptr;
    }

    /** Every op starts here: the backend must be open and the context current on this thread. */
    private void enter() {
        live.checkOpen();
        runtime.makeCurrent();
    }

    /** {@link #enter} for an op that waits for the device or allocates: never part of a recorded iteration. */
    private void enterUncaptured(String op) {
        enter();
        if (recording != null) throw new GraphCaptureException("a recorded iteration must not " + op);
    }

    /** Compares the need with the device's free memory now (cuMemGetInfo). */
    @Override
    public void checkFits(long bytes) {
        enterUncaptured("check free memory");
        long[] memory = runtime.memory();
        if (memory[0] < bytes) {
            throw new OutOfDeviceMemoryException(runtime.info.label(), bytes, memory[0], memory[1], null);
        }
    }

    /** Device memory; running out is {@link OutOfDeviceMemoryException} with the figures, not an internal error. */
    private CUdeviceptr deviceAlloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        try {
            cuMemAlloc(p, Math.max(bytes, 4));
        } catch (CudaException e) {
            if (!String.valueOf(e.getMessage()).contains("CUDA_ERROR_OUT_OF_MEMORY")) throw e;
            throw outOfMemory(bytes, e);
        }
        return p;
    }

    private OutOfDeviceMemoryException outOfMemory(long bytes, CudaException cause) {
        long free = -1, total = runtime.info.totalBytes();
        try {
            long[] m = runtime.memory();
            free = m[0];
            total = m[1];
        } catch (CudaException ignored) {
            // the figures are then what the device description says
        }
        return new OutOfDeviceMemoryException(runtime.info.label(), bytes, free, total, cause);
    }

    private static void checkRange(String what, int offset, int n, int length) {
        if (offset < 0 || n < 0 || (long) offset + n > length) {
            throw new IndexOutOfBoundsException(what + ": range [" + offset + ", " + ((long) offset + n)
                    + ") outside [0, " + length + ")");
        }
    }

    @Override
    public DeviceFloats allocFloats(int length) {
        enterUncaptured("allocate");
        live.checkNew(length);
        return op("allocFloats", () -> {
            CUdeviceptr p = deviceAlloc((long) length * Float.BYTES);
            if (length > 0) cuMemsetD32Async(p, 0, length, stream);
            return live.add(new Floats(p, length));
        });
    }

    @Override
    public DeviceInts allocInts(int length) {
        enterUncaptured("allocate");
        live.checkNew(length);
        return op("allocInts", () -> {
            CUdeviceptr p = deviceAlloc((long) length * Integer.BYTES);
            if (length > 0) cuMemsetD32Async(p, 0, length, stream);
            return live.add(new Ints(p, length));
        });
    }

    @Override
    public void upload(float[] src, int srcOffset, DeviceFloats dst, int dstOffset, int n) {
        enterUncaptured("upload");
        CUdeviceptr d = f(dst);
        checkRange("upload source", srcOffset, n, src.length);
        checkRange("upload destination", dstOffset, n, dst.length());
        if (n == 0) return;
        run("upload", () -> staging.upload(src, srcOffset, d, (long) dstOffset * Float.BYTES, n, stream));
    }

    @Override
    public void upload(int[] src, int srcOffset, DeviceInts dst, int dstOffset, int n) {
        enterUncaptured("upload");
        CUdeviceptr d = i(dst);
        checkRange("upload source", srcOffset, n, src.length);
        checkRange("upload destination", dstOffset, n, dst.length());
        if (n == 0) return;
        run("upload", () -> staging.upload(src, srcOffset, d, (long) dstOffset * Integer.BYTES, n, stream));
    }

    @Override
    public void download(DeviceFloats src, int srcOffset, float[] dst, int dstOffset, int n) {
        enterUncaptured("download");
        CUdeviceptr s = f(src);
        checkRange("download source", srcOffset, n, src.length());
        checkRange("download destination", dstOffset, n, dst.length);
        if (n == 0) return;
        run("download", () -> staging.download(s, (long) srcOffset * Float.BYTES, dst, dstOffset, n, stream));
    }

    @Override
    public void fill(DeviceFloats buffer, float value) {
        enter();
        CUdeviceptr p = f(buffer);
        if (buffer.length() == 0) return;
        run("fill", () -> cuMemsetD32Async(p, Float.floatToRawIntBits(value), buffer.length(), stream));
    }

    @Override
    public void copy(DeviceFloats src, int srcOffset, DeviceFloats dst, int dstOffset, int n) {
        enter();
        CUdeviceptr s = f(src), d = f(dst);
        checkRange("copy source", srcOffset, n, src.length());
        checkRange("copy destination", dstOffset, n, dst.length());
        if (n == 0) return;
        run("copy", () -> cuMemcpyDtoDAsync(d.withByteOffset((long) dstOffset * Float.BYTES),
                s.withByteOffset((long) srcOffset * Float.BYTES), (long) n * Float.BYTES, stream));
    }

    @Override
    public void free(DeviceFloats buffer) {
        enterUncaptured("free");
        Floats x = live.get(buffer, Floats.class);
        live.remove(buffer);
        run("free", () -> release(x));
    }

    /** Frees a buffer once the kernels queued before are done; shared feature rows lose one user. */
    private void release(Floats x) {
        cuStreamSynchronize(stream);
        if (x.shared != null) runtime.releaseResident(x.shared);
        else cuMemFree(x.ptr);
    }

    @Override
    public void free(DeviceInts buffer) {
        enterUncaptured("free");
        CUdeviceptr p = i(buffer);
        live.remove(buffer);
        run("free", () -> {
            cuStreamSynchronize(stream);
            cuMemFree(p);
        });
    }

    /** Number of buffers allocated and not yet freed (for leak tests). */
    public int liveBuffers() {
        return live.size();
    }

    /** Waits for every launched op to finish (benchmarks time with it). */
    public void synchronize() {
        enterUncaptured("synchronize");
        run("synchronize", () -> cuStreamSynchronize(stream));
    }

    @Override
    public void close() {
        if (live.closed()) return;
        runtime.makeCurrent();
        try {
            for (CudaIterationGraphs g : List.copyOf(graphSets)) g.close();
            if (rowStreamer != null) rowStreamer.close();
            cuStreamSynchronize(stream);
            for (Object b : live.close()) {
                if (b instanceof Floats) release((Floats) b);
                else cuMemFree(((Ints) b).ptr);
            }
            for (Scratch s : new Scratch[] {dz, partials, normalRows, normalCount, rowLoss, lossScale,
                    biasPartials}) s.release();
            staging.close();
            cuStreamDestroy(stream);
        } catch (CudaException e) {
            throw new IllegalStateException("CUDA close failed: " + e.getMessage(), e);
        } finally {
            runtime.backendClosed();
        }
    }

    // ---------------------------------------------------------------- dense layers (kernels/dense.cu)

    @Override
    public void denseForward(DeviceFloats in, DeviceFloats w, DeviceFloats b, DeviceFloats out,
                             int rows, int inDim, int outDim, Activation act) {
        enter();
        launchDenseForward(f(in), f(w), f(b), f(out), rows, inDim, outDim, act.ordinal());
    }

    @Override
    public void denseBackward(DeviceFloats in, DeviceFloats w, DeviceFloats out, DeviceFloats dOut,
                              DeviceFloats dIn, DeviceFloats dW, DeviceFloats dB,
                              int rows, int inDim, int outDim, Activation act) {
        enter();
        CUdeviceptr x = f(in), wt = f(w), y = f(out), dy = f(dOut), dx = f(dIn), gw = f(dW), gb = f(dB);
        CUdeviceptr z = op("dense_backward", () -> dz.atLeast((long) rows * outDim));
        launchDenseBackwardDz(y, dy, z, (long) rows * outDim, act.ordinal());
        if (dx != null) launchDenseBackwardInput(z, wt, dx, rows, inDim, outDim);
        launchDenseBackwardWeight(z, x, gw, rows, inDim, outDim);
        launchDenseBackwardBias(z, gb, rows, outDim);
    }

    private void launchDenseForward(CUdeviceptr in, CUdeviceptr w, CUdeviceptr b, CUdeviceptr out,
                                    int rows, int inDim, int outDim, int act) {
        DenseGemmPlan.Kernel k = wholePlan(DenseGemmPlan.Product.FORWARD, rows, outDim, inDim);
        launch("dense_forward" + k.suffix, blocks(outDim, k.tileN), blocks(rows, k.tileM), k.threads, 1,
                in, w, b, out, rows, inDim, outDim, act);
    }

    private void launchDenseBackwardDz(CUdeviceptr out, CUdeviceptr dOut, CUdeviceptr dz, long n, int act) {
        launch("dense_backward_dz", elementBlocks(n), 1, THREADS, 1, out, dOut, dz, n, act);
    }

    private void launchDenseBackwardInput(CUdeviceptr dz, CUdeviceptr w, CUdeviceptr dIn,
                                          int rows, int inDim, int outDim) {
        DenseGemmPlan.Kernel k = wholePlan(DenseGemmPlan.Product.BACKWARD_INPUT, rows, inDim, outDim);
        launch("dense_backward_input" + k.suffix, blocks(inDim, k.tileN), blocks(rows, k.tileM), k.threads, 1,
                dz, w, dIn, rows, inDim, outDim);
    }

    private void launchDenseBackwardWeight(CUdeviceptr dz, CUdeviceptr in, CUdeviceptr dW,
                                           int rows, int inDim, int outDim) {
        DenseGemmPlan plan = plan(DenseGemmPlan.Product.BACKWARD_WEIGHT, outDim, inDim, rows);
        DenseGemmPlan.Kernel k = plan.kernel();
        String kernel = "dense_backward_weight" + k.suffix;
        if (!k.split()) {
            launch(kernel, blocks(inDim, k.tileN), blocks(outDim, k.tileM), k.threads, 1, dz, in, dW, rows, inDim,
                    outDim);
            return;
        }
        // partials (splits, outDim, inDim), each split summing kChunk rows in ascending order; then the splits
        // summed in ascending order: one fixed order per element, no atomics
        long n = (long) outDim * inDim;
        CUdeviceptr p = op("dense_backward_weight", () -> partials.atLeast(plan.splits() * n));
        launchGrid3(kernel, blocks(inDim, k.tileN), blocks(outDim, k.tileM), plan.splits(), k.threads, 1,
                dz, in, p, rows, inDim, outDim, plan.kChunk());
        launch("gemm_split_reduce", elementBlocks(n), 1, THREADS, 1, p, plan.splits(), n, dW);
    }

    /** The planner's choice for one product, which must be a kernel of this backend's precision. */
    private DenseGemmPlan plan(DenseGemmPlan.Product product, int m, int n, int k) {
        DenseGemmPlan plan = gemmPlanner.plan(product, m, n, k);
        if (plan.kernel().precision != precision) {
            throw new IllegalStateException("a " + precision.cliName() + " backend was planned " + plan);
        }
        return plan;
    }

    /** The kernel of a forward or input product: a whole-k plan. */
    private DenseGemmPlan.Kernel wholePlan(DenseGemmPlan.Product product, int m, int n, int k) {
        DenseGemmPlan plan = plan(product, m, n, k);
        if (plan.kernel().split()) throw new IllegalStateException("no split kernel for " + product + ": " + plan);
        return plan.kernel();
    }

    /** dB = column sums of dz (rows, outDim), as denseBackward computes it (for the device benchmark). */
    void denseBackwardBias(DeviceFloats dz, DeviceFloats dB, int rows, int outDim) {
        enter();
        launchDenseBackwardBias(f(dz), f(dB), rows, outDim);
    }

    private void launchDenseBackwardBias(CUdeviceptr dz, CUdeviceptr dB, int rows, int outDim) {
        // chunks of rows into double partials (chunks, outDim), then their sum in ascending chunk order
        int chunkRows = biasChunkRows(rows, outDim);
        int chunks = blocks(rows, chunkRows);
        CUdeviceptr p = op("dense_backward_bias", () -> biasPartials.atLeast((long) chunks * outDim));
        launch("dense_backward_bias_partials", blocks(outDim, BIAS_TILE), chunks, BIAS_TILE, BIAS_TILE,
                dz, p, rows, outDim, chunkRows);
        launch("dense_backward_bias_reduce", elementBlocks(outDim), 1, THREADS, 1, p, chunks, outDim, dB);
    }

    /**
     * Rows per chunk of the bias gradient's first pass, from the shape only (so the summation order, hence the
     * bits, are the same on every GPU): enough chunks that the (outDim / 32) × chunks blocks reach
     * {@value #BIAS_TARGET_BLOCKS}, at least {@value #BIAS_MIN_CHUNK_ROWS} rows each (a multiple of 32, the lanes
     * of a block).
     */
    static int biasChunkRows(int rows, int outDim) {
        int columnBlocks = blocks(outDim, BIAS_TILE);
        int wantedChunks = blocks(BIAS_TARGET_BLOCKS, columnBlocks);
        int chunkRows = (int) (((long) blocks(rows, wantedChunks) + BIAS_TILE - 1) / BIAS_TILE * BIAS_TILE);
        return Math.max(BIAS_MIN_CHUNK_ROWS, chunkRows);
    }

    // ---------------------------------------------------------------- statistics and labels (kernels/stats.cu)

    @Override
    public void rowMse(DeviceFloats a, DeviceFloats b, DeviceFloats err, int rows, int cols) {
        enter();
        launch("row_mse", blocks(rows, ROWS_PER_WARP_BLOCK), 1, THREADS, 1, f(a), f(b), f(err), rows, cols);
    }

    @Override
    public void meanStd(DeviceFloats v, int n, DeviceFloats stats) {
        enter();
        if (n < 2) throw new IllegalArgumentException("mean/std needs n >= 2, got " + n);
        launch("mean_std", 1, 1, REDUCE_THREADS, 1, f(v), n, f(stats));
    }

    @Override
    public void thresholdLabels(DeviceFloats v, int n, DeviceFloats stats, double k, DeviceFloats mask,
                                DeviceFloats labels) {
        enter();
        launch("threshold_labels", elementBlocks(n), 1, THREADS, 1, f(v), n, f(stats), k, f(mask), f(labels));
    }

    @Override
    public void minMaxScale(DeviceFloats v, int n, DeviceFloats out) {
        enter();
        launch("min_max_scale", 1, 1, REDUCE_THREADS, 1, f(v), n, f(out));
    }

    // ---------------------------------------------------------------- negative learning (kernels/nl_targets.cu)

    @Override
    public void nlTargets(DeviceFloats x, DeviceFloats labels, NlTarget mode, DeviceFloats noise,
                          DeviceFloats picks, DeviceFloats targets, DeviceFloats weights, int rows, int cols) {
        enter();
        CUdeviceptr l = f(labels);
        CUdeviceptr nz = mode == NlTarget.GAUSSIAN ? f(noise) : null;
        CUdeviceptr pk = mode == NlTarget.RANDOM_NORMAL ? f(picks) : null;
        CUdeviceptr rowsOut = null, count = null;
        if (mode == NlTarget.RANDOM_NORMAL) {
            rowsOut = op("nl_targets", () -> normalRows.atLeast(rows));
            count = op("nl_targets", () -> normalCount.atLeast(1));
            launch("nl_normal_rows", 1, 1, REDUCE_THREADS, 1, l, rows, rowsOut, count);
        }
        launch("nl_targets", rowBlocks(rows), 1, THREADS, 1,
                f(x), l, mode.ordinal(), nz, pk, rowsOut, count, f(targets), f(weights), rows, cols);
    }

    // ---------------------------------------------------------------- losses (kernels/loss.cu)

    @Override
    public void bceLossGrad(DeviceFloats p, DeviceFloats y, DeviceFloats dP, DeviceFloats loss, int n) {
        enter();
        launch("bce_loss_grad", 1, 1, REDUCE_THREADS, 1, f(p), f(y), f(dP), f(loss), n);
    }

    @Override
    public void weightedMseGrad(DeviceFloats out, DeviceFloats target, DeviceFloats weights, DeviceFloats dOut,
                                DeviceFloats loss, int rows, int cols) {
        enter();
        CUdeviceptr o = f(out), t = f(target), w = f(weights);
        CUdeviceptr perRow = op("weighted_mse_grad", () -> rowLoss.atLeast(rows));
        CUdeviceptr scale = op("weighted_mse_grad", () -> lossScale.atLeast(1));
        launch("weighted_mse_rows", blocks(rows, ROWS_PER_WARP_BLOCK), 1, THREADS, 1, o, t, w, perRow, rows, cols);
        launch("weighted_mse_total", 1, 1, REDUCE_THREADS, 1, w, perRow, rows, cols, f(loss), scale);
        launch("weighted_mse_grad", rowBlocks(rows), 1, THREADS, 1,
                o, t, w, scale, f(dOut), rows, cols);
    }

    // ---------------------------------------------------------------- optimiser (kernels/rmsprop.cu)

    @Override
    public void rmsprop(DeviceFloats param, DeviceFloats grad, DeviceFloats squareAvg, DeviceFloats momentumBuf,
                        int n, double lr, double alpha, double eps, double momentum, DeviceFloats guard,
                        int guardLength) {
        enter();
        if (n == 0) return;
        if (guard != null) checkRange("rmsprop guard", 0, guardLength, guard.length());
        // one element per thread: the grid covers n exactly (no grid-stride loop in this kernel)
        launch("rmsprop", blocks(n, THREADS), 1, THREADS, 1, f(param), f(grad), f(squareAvg), f(momentumBuf), n,
                lr, alpha, eps, momentum, f(guard), guard == null ? 0 : guardLength);
    }

    // ---------------------------------------------------------------- data movement (kernels/gather.cu)

    @Override
    public void gatherRows(DeviceFloats src, DeviceInts indices, int indexOffset, DeviceFloats dst,
                           int rows, int cols) {
        enter();
        checkRange("gather indices", indexOffset, rows, indices.length());
        if (recording != null) {  // the offset is the iteration's batch start, read on the device
            recording.checkBatchStart(indexOffset);
            launch("gather_rows_at", rowBlocks(rows), 1, THREADS, 1,
                    f(src), i(indices), recording.values, f(dst), rows, cols);
            return;
        }
        launch("gather_rows", rowBlocks(rows), 1, THREADS, 1,
                f(src), i(indices), indexOffset, f(dst), rows, cols);
    }

    // ---------------------------------------------------------------- training rows from host memory

    /** Device memory left free beside resident feature rows, for the networks and batches. */
    private static final long RESIDENT_HEADROOM_BYTES = 512L << 20;
    /** Host rows per upload while copying feature rows to the device. */
    private static final int RESIDENT_UPLOAD_FLOATS = 4 << 20;

    /**
     * The rows on the device, uploaded by the first backend of this process that asks for these rows and shared by
     * every backend training on them until the last one frees them (a sweep's runs: one copy of the data on the
     * device); null when they do not fit one buffer with {@link #RESIDENT_HEADROOM_BYTES} left free, and each batch
     * is then streamed by {@link #gatherHostRows}.
     */
    @Override
    public DeviceFloats residentRows(FeatureRows source) {
        enterUncaptured("upload");
        if (source.elements() > Integer.MAX_VALUE - 8) return null;
        CudaRuntime.Resident r = runtime.acquireResident(source, this::uploadResident);
        return r == null ? null : live.add(new Floats(r.ptr, r.length, r));
    }

    /**
     * A new device copy of source, or null when it does not fit beside {@link #RESIDENT_HEADROOM_BYTES} of free
     * memory (cuMemGetInfo) or its allocation fails; called by the runtime under its lock.
     */
    private CUdeviceptr uploadResident(FeatureRows source) {
        int length = (int) source.elements();
        long bytes = (long) length * Float.BYTES;
        if (runtime.memory()[0] < bytes + RESIDENT_HEADROOM_BYTES) return null;
        CUdeviceptr d;
        try {
            d = deviceAlloc(bytes);
        } catch (OutOfDeviceMemoryException tooLarge) {
            return null;
        }
        int dim = source.dim();
        int rowsPerUpload = Math.max(1, RESIDENT_UPLOAD_FLOATS / dim);
        float[] block = new float[rowsPerUpload * dim];
        try {
            for (int r = 0; r < source.rows(); r += rowsPerUpload) {
                int n = Math.min(rowsPerUpload, source.rows() - r);
                for (int k = 0; k < n; k++) source.copyRow(r + k, block, k * dim);
                long at = (long) r * dim * Float.BYTES;
                run("residentRows", () -> staging.upload(block, 0, d, at, n * dim, stream));
            }
        } catch (RuntimeException e) {
            try {
                cuMemFree(d);  // a failed upload holds nothing
            } catch (CudaException ignored) {
                // the first failure is the one to report
            }
            throw e;
        }
        return d;
    }

    /** Streamed from host memory: the prefetched batch when it is this one (see {@link HostRowStreamer}). */
    @Override
    public void gatherHostRows(FeatureRows source, int[] indices, int indexOffset, DeviceFloats dst, int rows) {
        enterUncaptured("stream rows from the host");
        CUdeviceptr d = f(dst);
        checkRange("gatherHostRows indices", indexOffset, rows, indices.length);
        checkRange("gatherHostRows destination", 0, Math.multiplyExact(rows, source.dim()), dst.length());
        run("gatherHostRows", () -> rowStreamer().gather(source, indices, indexOffset, rows, d));
    }

    /** Starts gathering and copying the next batch while the device trains on this one. */
    @Override
    public void prefetchHostRows(FeatureRows source, int[] indices, int indexOffset, int rows) {
        enterUncaptured("stream rows from the host");
        checkRange("prefetchHostRows indices", indexOffset, rows, indices.length);
        run("prefetchHostRows", () -> rowStreamer().prefetch(source, indices, indexOffset, rows));
    }

    private HostRowStreamer rowStreamer() {
        if (rowStreamer == null) rowStreamer = new HostRowStreamer(runtime, stream);
        return rowStreamer;
    }

    // ---------------------------------------------------------------- random numbers (kernels/philox.cu)

    @Override
    public void philoxUniform(RandomStream stream, long start, DeviceFloats out, int n) {
        enter();
        if (recording != null) {  // the stream id is the iteration's number, read on the device
            recording.checkIteration(stream.streamId());
            launch("philox_uniform_at", elementBlocks(n), 1, THREADS, 1, f(out), n, start,
                    stream.keyLow(), stream.keyHigh(), stream.purposeId(), recording.values);
            return;
        }
        launch("philox_uniform", elementBlocks(n), 1, THREADS, 1, f(out), n, start,
                stream.keyLow(), stream.keyHigh(), stream.purposeId(), stream.streamId());
    }

    @Override
    public void philoxNormal(RandomStream stream, long start, float mean, float std, DeviceFloats out, int n) {
        enter();
        if (recording != null) {
            recording.checkIteration(stream.streamId());
            launch("philox_normal_at", elementBlocks(n), 1, THREADS, 1, f(out), n, start, mean, std,
                    stream.keyLow(), stream.keyHigh(), stream.purposeId(), recording.values);
            return;
        }
        launch("philox_normal", elementBlocks(n), 1, THREADS, 1, f(out), n, start, mean, std,
                stream.keyLow(), stream.keyHigh(), stream.purposeId(), stream.streamId());
    }

    // ---------------------------------------------------------------- iterations as one graph (CudaIterationGraphs)

    /** One graph per iteration shape, replayed; null with {@code GCL_CUDA_GRAPHS=off} or {@code gcl.cuda.sync}. */
    @Override
    public IterationGraphs iterationGraphs() {
        enterUncaptured("make iteration graphs");
        if (SYNC_EACH_LAUNCH || !CudaIterationGraphs.enabled()) return null;
        CudaIterationGraphs g = new CudaIterationGraphs(this);
        graphSets.add(g);
        return g;
    }

    void enterGraphs() {
        enter();
    }

    CUstream stream() {
        return stream;
    }

    CUdeviceptr pointer(DeviceFloats b) {
        return f(b);
    }

    CUdeviceptr allocDevice(long bytes) {
        return deviceAlloc(bytes);
    }

    int scratchGeneration() {
        return scratchGeneration;
    }

    void record(CudaIterationGraphs.Recording r) {
        recording = r;
    }

    void launchIterationAdvance(CUdeviceptr values, int rows) {
        launch("iteration_advance", 1, 1, 32, 1, values, rows);
    }

    void graphsClosed(CudaIterationGraphs g) {
        graphSets.remove(g);
    }

    // ---------------------------------------------------------------- launching

    private static int blocks(long n, int perBlock) {
        return (int) Math.max(1, (n + perBlock - 1) / perBlock);
    }

    private static int elementBlocks(long n) {
        return (int) Math.min(MAX_GRID, blocks(n, THREADS));
    }

    /** Blocks of the one-warp-per-row kernels (GCL_FOR_EACH_ROW_PER_WARP): 8 rows per block, grid-stride past that. */
    private static int rowBlocks(int rows) {
        return Math.min(MAX_GRID, blocks(rows, ROWS_PER_WARP_BLOCK));
    }

    /**
     * Launches a kernel with its arguments in declaration order: CUdeviceptr (null = a null pointer), Integer
     * (int), Long (long long), Float (float), Double (double).
     */
    private void launch(String kernel, int gridX, int gridY, int blockX, int blockY, Object... args) {
        launchGrid3(kernel, gridX, gridY, 1, blockX, blockY, args);
    }

    /** {@link #launch} with a third grid dimension. */
    private void launchGrid3(String kernel, int gridX, int gridY, int gridZ, int blockX, int blockY, Object... args) {
        Pointer[] params = new Pointer[args.length];
        for (int k = 0; k < args.length; k++) params[k] = parameter(args[k]);
        run(kernel, () -> {
            cuLaunchKernel(runtime.function(kernel), gridX, gridY, gridZ, blockX, blockY, 1,
                    runtime.dynamicSharedBytes(kernel), stream,
                    Pointer.to(params), null);
            if (SYNC_EACH_LAUNCH) cuStreamSynchronize(stream);
        });
    }

    private static Pointer parameter(Object a) {
        if (a == null) return Pointer.to(new CUdeviceptr());
        if (a instanceof CUdeviceptr) return Pointer.to((CUdeviceptr) a);
        if (a instanceof Integer) return Pointer.to(new int[] {(Integer) a});
        if (a instanceof Long) return Pointer.to(new long[] {(Long) a});
        if (a instanceof Float) return Pointer.to(new float[] {(Float) a});
        if (a instanceof Double) return Pointer.to(new double[] {(Double) a});
        throw new IllegalArgumentException("unsupported kernel argument " + a.getClass());
    }

    /** Runs driver calls, rethrowing a CUDA error with the op's name. */
    static void run(String op, Runnable calls) {
        try {
            calls.run();
        } catch (CudaException e) {
            throw new IllegalStateException("CUDA op " + op + " failed: " + e.getMessage(), e);
        }
    }

    private static <T> T op(String op, java.util.function.Supplier<T> calls) {
        try {
            return calls.get();
        } catch (CudaException e) {
            throw new IllegalStateException("CUDA op " + op + " failed: " + e.getMessage(), e);
        }
    }
}
