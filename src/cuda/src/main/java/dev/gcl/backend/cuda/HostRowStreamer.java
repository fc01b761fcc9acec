package dev.gcl.backend.cuda;

import dev.gcl.io.FeatureRows;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

/**
 * Training batches streamed from host memory, for feature rows that do not stay on the device: a batch is gathered
 * into one of two page-locked buffers, copied to a device staging buffer on a copy stream of its own, and moved
 * into the batch buffer on the backend's stream once that copy is done (an event), after the kernels queued before
 * it. The batch named by {@link #prefetch} is gathered and copied by a worker thread while the device trains on
 * the one before it, so the host's gather and the PCIe copy overlap the training kernels.
 *
 * <p>A slot (page-locked buffer, device staging buffer, two events) is refilled only after its last copy out of
 * the page-locked buffer ({@code copied}) and out of the staging buffer ({@code consumed}) are done. A gather that
 * does not match the prefetched request (an epoch cut short, a resume) waits for the prefetch and refills the slot
 * with the rows asked for: the rows are compared by value, so a reused index array cannot hand out stale rows.
 * One caller thread (the backend's), plus the worker.
 */
final class HostRowStreamer implements AutoCloseable {
    private final CudaRuntime runtime;
    private final CUstream stream;
    private final CUstream copyStream = new CUstream();
    private final Slot[] slots = {new Slot(), new Slot()};
    private int next;  // the slot the next gather reads
    private ExecutorService worker;
    private Future<?> pending;
    private Request pendingRequest;

    /** One batch's rows: the source, and a copy of their indices. */
    private record Request(FeatureRows source, int[] rows) {
        static Request of(FeatureRows source, int[] indices, int offset, int rows) {
            return new Request(source, Arrays.copyOfRange(indices, offset, offset + rows));
        }

        boolean sameAs(Request o) {
            return o != null && source == o.source && Arrays.equals(rows, o.rows);
        }
    }

    private static final class Slot {
        Pointer host;
        FloatBuffer view;
        CUdeviceptr staging;
        long capacity;  // floats
        final CUevent copied = new CUevent(), consumed = new CUevent();
    }

    HostRowStreamer(CudaRuntime runtime, CUstream stream) {
        this.runtime = runtime;
        this.stream = stream;
        cuStreamCreate(copyStream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        for (Slot s : slots) {
            cuEventCreate(s.copied, 0);
            cuEventCreate(s.consumed, 0);
        }
    }

    /** Starts gathering and copying this batch on the worker; the next {@link #gather} of the same rows takes it. */
    void prefetch(FeatureRows source, int[] indices, int offset, int rows) {
        drain();
        Request r = Request.of(source, indices, offset, rows);
        Slot s = slots[next];
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, "gcl-cuda-batch-prefetch");
                t.setDaemon(true);
                return t;
            });
        }
        pendingRequest = r;
        pending = worker.submit(() -> {
            runtime.makeCurrent();
            fill(s, r);
        });
    }

    /** dst (rows, dim) = the rows of source at indices[offset, offset + rows), ordered on the backend's stream. */
    void gather(FeatureRows source, int[] indices, int offset, int rows, CUdeviceptr dst) {
        Request r = Request.of(source, indices, offset, rows);
        boolean prefetched = r.sameAs(pendingRequest);
        drain();
        Slot s = slots[next];
        if (!prefetched) fill(s, r);
        cuStreamWaitEvent(stream, s.copied, 0);
        cuMemcpyDtoDAsync(dst, s.staging, (long) rows * source.dim() * Float.BYTES, stream);
        cuEventRecord(s.consumed, stream);
        next ^= 1;
    }

    /** Waits for the pending prefetch, if any; its failure is rethrown. */
    private void drain() {
        Future<?> f = pending;
        pending = null;
        pendingRequest = null;
        if (f == null) return;
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while prefetching a batch", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) throw (RuntimeException) c;
            throw new IllegalStateException("prefetching a batch failed: " + c, c);
        }
    }

    /** The slot's rows = r's, gathered into page-locked memory and copied to its staging buffer on the copy stream. */
    private void fill(Slot s, Request r) {
        int dim = r.source.dim();
        long floats = Math.max(1, (long) r.rows.length * dim);
        cuEventSynchronize(s.copied);    // the page-locked buffer's last copy is done
        cuEventSynchronize(s.consumed);  // and the staging buffer's
        if (s.capacity < floats) {
            release(s);
            s.host = new Pointer();
            cuMemAllocHost(s.host, floats * Float.BYTES);
            s.view = s.host.getByteBuffer(0, floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            s.staging = new CUdeviceptr();
            cuMemAlloc(s.staging, floats * Float.BYTES);
            s.capacity = floats;
        }
        for (int k = 0; k < r.rows.length; k++) r.source.copyRow(r.rows[k], s.view, k * dim);
        cuMemcpyHtoDAsync(s.staging, s.host, (long) r.rows.length * dim * Float.BYTES, copyStream);
        cuEventRecord(s.copied, copyStream);
    }

    private static void release(Slot s) {
        if (s.host != null) cuMemFreeHost(s.host);
        if (s.staging != null) cuMemFree(s.staging);
        s.host = null;
        s.view = null;
        s.staging = null;
        s.capacity = 0;
    }

    @Override
    public void close() {
        try {
            drain();
        } catch (RuntimeException ignored) {
            // closing: a failed prefetch has nothing left to deliver
        }
        if (worker != null) worker.shutdownNow();
        cuStreamSynchronize(copyStream);
        cuStreamSynchronize(stream);
        for (Slot s : slots) {
            release(s);
            cuEventDestroy(s.copied);
            cuEventDestroy(s.consumed);
        }
        cuStreamDestroy(copyStream);
    }
}
