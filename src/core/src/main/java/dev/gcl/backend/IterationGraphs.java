package dev.gcl.backend;

/**
 * Training iterations recorded once per shape and replayed, each with one launch and no host wait (CUDA graphs on
 * the cuda backend: docs/gpu.md, "One graph per iteration"). A trainer gets one set per fit from
 * {@link Backend#iterationGraphs()}.
 *
 * <p>What changes between the replays of one shape is read by the ops from the backend's memory, not given to them:
 * the batch's first position in the epoch's row order (the {@code indexOffset} of every
 * {@link Backend#gatherRows} of the iteration must be {@code batchStart}) and the iteration's number (the stream id
 * of every random stream of the iteration must be {@code iteration}). Everything else the ops are given (buffers,
 * sizes, seeds, the learning rate) must be the same at every call with one shape key, and the ops must not upload,
 * download, allocate or free (a recording that does fails with a named error).
 */
public interface IterationGraphs extends AutoCloseable {

    /**
     * Queues one iteration: ops (the backend calls of the iteration) run as called the first time a shape is seen,
     * are recorded the second time, and are replayed from then on; then result[0, n) is copied to the host without
     * waiting. The next iteration's values, unless the next call says otherwise, are batchStart + rows and
     * iteration + 1. Returns the copy, to read with {@link Pending#await} once the next iteration is queued; at most
     * {@link #IN_FLIGHT} may be unread at a time.
     */
    Pending run(Object shape, int batchStart, int rows, int iteration, Runnable ops, DeviceFloats result, int n);

    /** Unread results at most: the one being read and the one queued after it. */
    int IN_FLIGHT = 2;

    /** An iteration's results on their way to the host. */
    interface Pending {
        /** Waits for the iteration if it is not done yet (usually it is) and copies its n results into into. */
        void await(float[] into);
    }

    /** Frees the recorded iterations; unread results are dropped. */
    @Override
    void close();
}
