package dev.gcl.backend.cuda;

import dev.gcl.backend.DeviceFloats;
import dev.gcl.backend.IterationGraphs;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstreamCaptureMode;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventQuery;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * The CUDA backend's {@link IterationGraphs} (docs/gpu.md, "One graph per iteration"). Each shape of iteration runs
 * once launch by launch (its scratch buffers reach their size then), is captured from the backend's stream into a
 * CUDA graph the second time (cuStreamBeginCapture in thread-local mode, so the other runs of a sweep allocating on
 * their own threads do not break it; cuStreamEndCapture; cuGraphInstantiate) and is replayed from then on with one
 * cuGraphLaunch. The iteration's changing values live in a device buffer of 2 ints ({@code GCL_ITERATION_*} of
 * kernels/gcl_common.cuh): the iteration's gathers and random streams read them ({@code gather_rows_at},
 * {@code philox_*_at}) and its last kernel ({@code iteration_advance}) makes them the next iteration's, so the host
 * writes them (two asynchronous memsets) only when the sequence breaks: a new epoch, a resume. After each iteration
 * its results are copied into page-locked memory and an event recorded; reading them one iteration later waits only
 * when the device has not reached that event yet (cuEventQuery first).
 *
 * <p>A graph holds device pointers: a scratch buffer of the backend that moves (grows) makes every graph captured
 * before it stale, and it is captured again at its next use. {@code GCL_CUDA_GRAPHS=off} (or
 * {@code -Dgcl.cuda.graphs=off}, which wins) turns graphs off: the trainer then runs every op as it is called and
 * downloads each iteration's results at once, as before graphs (for {@code gcl verify} and debugging).
 * Not thread-safe: the backend's thread only.
 */
final class CudaIterationGraphs implements IterationGraphs {
    /** Results per iteration at most (the trainer's are 8). */
    static final int MAX_RESULTS = 64;
    private static final int VALUES = 2;  // GCL_ITERATION_BATCH_START, GCL_ITERATION_NUMBER

    /** False when {@code gcl.cuda.graphs} (else the environment's {@code GCL_CUDA_GRAPHS}) is "off". */
    static boolean enabled() {
        String v = System.getProperty("gcl.cuda.graphs", System.getenv("GCL_CUDA_GRAPHS"));
        if (v == null || v.isBlank() || v.equalsIgnoreCase("on")) return true;
        if (v.equalsIgnoreCase("off")) return false;
        throw new IllegalArgumentException("GCL_CUDA_GRAPHS (gcl.cuda.graphs) must be on or off, got '" + v + "'");
    }

    /**
     * Where the ops of an iteration read its changing values while they run for a set (launch by launch or into a
     * capture); the backend substitutes the {@code _at} kernels for its gathers and random streams.
     */
    static final class Recording {
        final CUdeviceptr values;
        final int batchStart, iteration;
        final boolean capturing;

        Recording(CUdeviceptr values, int batchStart, int iteration, boolean capturing) {
            this.values = values;
            this.batchStart = batchStart;
            this.iteration = iteration;
            this.capturing = capturing;
        }

        void checkBatchStart(int indexOffset) {
            if (indexOffset != batchStart) {
                throw new GraphCaptureException("a recorded iteration gathers rows at index offset " + indexOffset
                        + ", not at its batch start " + batchStart + ": a replay would read the batch start");
            }
        }

        void checkIteration(int streamId) {
            if (streamId != iteration) {
                throw new GraphCaptureException("a recorded iteration draws from random stream " + streamId
                        + ", not from its iteration's stream " + iteration + ": a replay would read the iteration");
            }
        }
    }

    private record Graph(CUgraphExec exec, int scratchGeneration) {}

    private final CudaBackend backend;
    private CUdeviceptr values;  // ints (VALUES)
    private final Map<Object, Graph> graphs = new HashMap<>();
    private final Set<Object> ranOnce = new HashSet<>();
    private final Pointer host = new Pointer();  // IN_FLIGHT slots of MAX_RESULTS floats, page-locked
    private final FloatBuffer hostFloats;
    private final CUevent[] copied = new CUevent[IN_FLIGHT];
    private final long[] slotTicket = new long[IN_FLIGHT];  // the ticket of the unread results in a slot, else 0
    private long tickets;
    private boolean valuesAllocated, hostAllocated, valuesKnown;
    private int deviceBatchStart, deviceIteration;  // what the device holds once the queued work is done
    private int eagerRuns, captures, replays;
    private boolean closed;

    CudaIterationGraphs(CudaBackend backend) {
        this.backend = backend;
        try {
            CudaBackend.run("iteration graphs", () -> {
                values = backend.allocDevice((long) VALUES * Integer.BYTES);
                valuesAllocated = true;
                cuMemAllocHost(host, (long) IN_FLIGHT * MAX_RESULTS * Float.BYTES);
                hostAllocated = true;
                for (int s = 0; s < IN_FLIGHT; s++) {
                    copied[s] = new CUevent();
                    cuEventCreate(copied[s], CUevent_flags.CU_EVENT_DISABLE_TIMING);
                }
            });
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        hostFloats = host.getByteBuffer(0, (long) IN_FLIGHT * MAX_RESULTS * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public Pending run(Object shape, int batchStart, int rows, int iteration, Runnable ops, DeviceFloats result,
                       int n) {
        if (closed) throw new IllegalStateException("iteration graphs used after close");
        if (n < 0 || n > MAX_RESULTS || n > result.length()) {
            throw new IllegalArgumentException("results: " + n + " of a buffer of " + result.length()
                    + " (at most " + MAX_RESULTS + ")");
        }
        backend.enterGraphs();
        CUdeviceptr from = backend.pointer(result);
        int slot = (int) (tickets % IN_FLIGHT);
        if (slotTicket[slot] != 0) {
            throw new IllegalStateException("more than " + IN_FLIGHT + " iterations' results unread");
        }
        CudaBackend.run("iteration values", () -> writeValues(batchStart, iteration));
        Graph g = graphs.get(shape);
        if (g != null && g.scratchGeneration() != backend.scratchGeneration()) {
            graphs.remove(shape);  // it points at scratch memory that has moved since
            CUgraphExec stale = g.exec();
            CudaBackend.run("cuGraphExecDestroy", () -> cuGraphExecDestroy(stale));
            g = null;
        }
        if (g == null && ranOnce.add(shape)) {
            runOps(new Recording(values, batchStart, iteration, false), ops, rows);
            eagerRuns++;
        } else {
            Graph replay = g != null ? g : capture(shape, new Recording(values, batchStart, iteration, true), ops,
                    rows);
            CudaBackend.run("cuGraphLaunch", () -> cuGraphLaunch(replay.exec(), backend.stream()));
            replays++;
        }
        deviceBatchStart = batchStart + rows;
        deviceIteration = iteration + 1;
        CudaBackend.run("iteration results", () -> {
            cuMemcpyDtoHAsync(host.withByteOffset((long) slot * MAX_RESULTS * Float.BYTES), from,
                    (long) n * Float.BYTES, backend.stream());
            cuEventRecord(copied[slot], backend.stream());
        });
        long ticket = ++tickets;
        slotTicket[slot] = ticket;
        return into -> read(slot, ticket, n, into);
    }

    /** Two memsets when the device's values are not these already (the first iteration, a new epoch, a resume). */
    private void writeValues(int batchStart, int iteration) {
        if (valuesKnown && deviceBatchStart == batchStart && deviceIteration == iteration) return;
        cuMemsetD32Async(values, batchStart, 1, backend.stream());
        cuMemsetD32Async(values.withByteOffset(Integer.BYTES), iteration, 1, backend.stream());
        valuesKnown = true;
    }

    private void runOps(Recording recording, Runnable ops, int rows) {
        backend.record(recording);
        try {
            ops.run();
            backend.launchIterationAdvance(values, rows);
        } finally {
            backend.record(null);
        }
    }

    private Graph capture(Object shape, Recording recording, Runnable ops, int rows) {
        int generation = backend.scratchGeneration();
        CUgraph graph = new CUgraph();
        CudaBackend.run("cuStreamBeginCapture", () -> cuStreamBeginCapture(backend.stream(),
                CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        try {
            runOps(recording, ops, rows);
        } catch (RuntimeException e) {
            try {
                cuStreamEndCapture(backend.stream(), graph);  // the stream must leave capture mode either way
                cuGraphDestroy(graph);
            } catch (CudaException ignored) {
                // the capture's own failure is the one to report
            }
            throw e;
        }
        CUgraphExec exec = new CUgraphExec();
        CudaBackend.run("cuStreamEndCapture", () -> {
            cuStreamEndCapture(backend.stream(), graph);
            try {
                cuGraphInstantiate(exec, graph, 0);
            } finally {
                cuGraphDestroy(graph);  // the executable graph keeps its own copy of the work
            }
        });
        if (backend.scratchGeneration() != generation) {
            cuGraphExecDestroy(exec);
            throw new GraphCaptureException("a scratch buffer grew while iteration " + shape + " was captured");
        }
        captures++;
        Graph g = new Graph(exec, generation);
        graphs.put(shape, g);
        return g;
    }

    private void read(int slot, long ticket, int n, float[] into) {
        if (slotTicket[slot] != ticket) throw new IllegalStateException("iteration results read twice or after close");
        if (into.length < n) throw new IllegalArgumentException("results: " + n + " into " + into.length);
        backend.enterGraphs();
        CudaBackend.run("iteration results", () -> {
            try {
                cuEventQuery(copied[slot]);  // done already when the device is ahead of the host: no wait
            } catch (CudaException e) {
                if (!String.valueOf(e.getMessage()).contains("CUDA_ERROR_NOT_READY")) throw e;
                cuEventSynchronize(copied[slot]);  // the device is behind: the next iteration is queued meanwhile
            }
        });
        hostFloats.get(slot * MAX_RESULTS, into, 0, n);
        slotTicket[slot] = 0;
    }

    /** "eager E, captured C, replayed R": how the iterations ran (tests). */
    String tally() {
        return String.format(Locale.ROOT, "eager %d, captured %d, replayed %d", eagerRuns, captures, replays);
    }

    int replays() {
        return replays;
    }

    int captures() {
        return captures;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        backend.enterGraphs();
        try {
            CudaBackend.run("iteration graphs close", () -> {
                cuStreamSynchronize(backend.stream());  // no copy into the page-locked slots may be pending
                for (Graph g : graphs.values()) cuGraphExecDestroy(g.exec());
            });
        } finally {
            graphs.clear();
            java.util.Arrays.fill(slotTicket, 0);
            release();
            backend.graphsClosed(this);
        }
    }

    private void release() {
        CudaBackend.run("iteration graphs close", () -> {
            for (CUevent e : copied) if (e != null) cuEventDestroy(e);
            if (hostAllocated) cuMemFreeHost(host);
            if (valuesAllocated) cuMemFree(values);
            hostAllocated = valuesAllocated = false;
        });
    }
}
