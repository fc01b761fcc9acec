package dev.gcl.backend.blas;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

import java.util.concurrent.locks.ReentrantReadWriteLock;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

/**
 * The process's one OpenBLAS: every call goes through here. OpenBLAS has one thread pool per process, sized by a
 * global setting, so calls are grouped by the pool size they need, under one read-write lock:
 * <ul>
 *   <li>pool products ({@link #gemmNT} and its siblings, the training backend's) of {@code threads} > 1: the
 *       whole pool of {@code threads}, one product at a time (write lock), so nothing oversubscribes the cores;
 *       of one thread: a single-threaded section (below), so that single-threaded training runs in one process
 *       (a sweep's {@code --jobs}) multiply at the same time, each on its own thread;</li>
 *   <li>single-threaded sections ({@link #enterSingleThreaded}): pool size 1, each product on its caller's thread;
 *       any number of such sections run at once (read lock): every scoring call, single rows of many service
 *       threads beside batches split over the scorer's own threads (which run inside their caller's section);</li>
 *   <li>exclusive single-threaded sections ({@link #enterExclusiveSingleThreaded}): pool size 1 and nothing else
 *       running, while the caller's own N Java threads each run products (the training backend's products split
 *       by columns, which want the cores to themselves).</li>
 * </ul>
 * The pool is resized only when the next call needs the other size (about 0.3 ms here): once per process when it
 * only trains or only scores.
 *
 * <p>Arguments are native pointers (JavaCPP's float[] overloads copy whole arrays in and out on every call).
 * Matrices are row-major; transposes are BLAS arguments, never copies.
 */
final class Blas {
    static final String VERSION = "0.3.31";

    private static final ReentrantReadWriteLock POOL = new ReentrantReadWriteLock();
    /** Written under the write lock only. */
    private static volatile int poolThreads = -1;

    private Blas() {}

    /** Loads the natives (throws whatever the loader throws: the probe catches it). */
    static void load() {
        Loader.load(openblas.class);
    }

    /** A 2×3 · (2×3)ᵀ product in native memory, for the probe. */
    static float[] selfTest() {
        try (FloatPointer a = new FloatPointer(1f, 2f, 3f, 4f, 5f, 6f); FloatPointer c = new FloatPointer(4)) {
            gemmNT(1, 2, 2, 3, a, a, c);
            float[] out = new float[4];
            c.get(out);
            return out;
        }
    }

    /** The size OpenBLAS's pool was last set to (-1 before the first product). */
    static int poolThreads() {
        return poolThreads;
    }

    /** Takes the write lock with the pool at this size. */
    private static void lock(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        POOL.writeLock().lock();
        resizePool(threads);
    }

    private static void resizePool(int threads) {
        if (poolThreads != threads) {
            openblas.blas_set_num_threads(threads);
            poolThreads = threads;
        }
    }

    private static void unlock() {
        POOL.writeLock().unlock();
    }

    /** A pool product's section: one thread shares the pool at size 1 with other such callers, more take it whole. */
    private static void begin(int threads) {
        if (threads == 1) enterSingleThreaded();
        else lock(threads);
    }

    private static void end(int threads) {
        if (threads == 1) exitSingleThreaded();
        else unlock();
    }

    /**
     * Starts a section in which the calling thread runs products with the {@code *OnCallerThread} methods, beside
     * other such sections; end it with {@link #exitSingleThreaded} in a finally block. Allocates nothing.
     */
    static void enterSingleThreaded() {
        POOL.readLock().lock();
        if (poolThreads == 1) return;
        POOL.readLock().unlock();
        POOL.writeLock().lock();
        try {
            resizePool(1);
            POOL.readLock().lock();  // downgrade: keeps the pool at 1 until this section ends
        } finally {
            POOL.writeLock().unlock();
        }
    }

    static void exitSingleThreaded() {
        POOL.readLock().unlock();
    }

    /**
     * Starts a section in which the caller's own threads (as many as it has cores for) run products with the
     * {@code *OnCallerThread} methods, nothing else running; end it with {@link #exitExclusiveSingleThreaded}.
     */
    static void enterExclusiveSingleThreaded() {
        lock(1);
    }

    static void exitExclusiveSingleThreaded() {
        unlock();
    }

    /** In a single-threaded section: c (m, n) = a (m, k) · b (n, k)ᵀ on the calling thread. */
    static void gemmNTOnCallerThread(int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        if (m == 0 || n == 0) return;
        openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1f, a, Math.max(1, k), b,
                Math.max(1, k), 0f, c, n);
    }

    /**
     * In a single-threaded section, on the calling thread: c = op(a) · op(b) (row-major, op = transpose where
     * asked), each operand starting that many floats into its buffer, with explicit leading dimensions: one part of
     * a product split by {@code BlasBackend}.
     */
    static void sgemmOnCallerThread(boolean transA, boolean transB, int m, int n, int k, FloatPointer a, long aOffset,
                                    int lda, FloatPointer b, long bOffset, int ldb, FloatPointer c, long cOffset,
                                    int ldc) {
        if (m == 0 || n == 0) return;
        FloatPointer ap = at(a, aOffset), bp = at(b, bOffset), cp = at(c, cOffset);
        openblas.cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, 1f, ap, Math.max(1, lda), bp, Math.max(1, ldb), 0f, cp, Math.max(1, ldc));
    }

    /** A view of p that starts offset floats in (no copy, no allocation of native memory). */
    private static FloatPointer at(FloatPointer p, long offset) {
        return offset == 0 ? p : new FloatPointer(p).position(p.position() + offset);
    }

    /** In a single-threaded section: y (m) = a (m, n) · x (n) on the calling thread. */
    static void gemvOnCallerThread(int m, int n, FloatPointer a, FloatPointer x, FloatPointer y) {
        if (m == 0) return;
        openblas.cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1f, a, Math.max(1, n), x, 1, 0f, y, 1);
    }

    /** c (m, n) = a (m, k) · b (n, k)ᵀ: the forward product in · wᵀ. */
    static void gemmNT(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        if (m == 0 || n == 0) return;
        begin(threads);
        try {
            openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1f, a, Math.max(1, k), b,
                    Math.max(1, k), 0f, c, n);
        } finally {
            end(threads);
        }
    }

    /** c (m, n) = a (m, k) · b (k, n): dIn = dz · w. */
    static void gemmNN(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        if (m == 0 || n == 0) return;
        begin(threads);
        try {
            openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, a, Math.max(1, k), b, n,
                    0f, c, n);
        } finally {
            end(threads);
        }
    }

    /** c (m, n) = a (k, m)ᵀ · b (k, n): dW = dzᵀ · in. */
    static void gemmTN(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        if (m == 0 || n == 0) return;
        begin(threads);
        try {
            openblas.cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, k, 1f, a, m, b, n, 0f, c, n);
        } finally {
            end(threads);
        }
    }
}
