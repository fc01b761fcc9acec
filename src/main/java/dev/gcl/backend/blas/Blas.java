package dev.gcl.backend.blas;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;

import java.util.concurrent.locks.ReentrantLock;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

/**
 * The process's one OpenBLAS: every call goes through here, under one lock. Why a lock: OpenBLAS has one thread
 * pool per process, sized by a global setting; two Java threads calling into it at once would either share that
 * pool unsafely or run 2 × N threads on N cores. Under the lock each product uses the whole pool and nothing
 * oversubscribes. The pool size is set when a caller asks for a size other than the current one (once per process
 * in practice: one {@code --threads N}), never per call.
 *
 * <p>Arguments are native pointers (JavaCPP's float[] overloads copy whole arrays in and out on every call).
 * Matrices are row-major; transposes are BLAS arguments, never copies.
 */
final class Blas {
    static final String VERSION = "0.3.31";

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static int poolThreads = -1;

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
    static synchronized int poolThreads() {
        return poolThreads;
    }

    private static void lock(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        LOCK.lock();
        if (poolThreads != threads) {
            openblas.blas_set_num_threads(threads);
            poolThreads = threads;
        }
    }

    /** c (m, n) = a (m, k) · b (n, k)ᵀ: the forward product in · wᵀ. */
    static void gemmNT(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        if (m == 0 || n == 0) return;
        lock(threads);
        try {
            openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1f, a, Math.max(1, k), b,
                    Math.max(1, k), 0f, c, n);
        } finally {
            LOCK.unlock();
        }
    }

    /** c (m, n) = a (m, k) · b (k, n): dIn = dz · w. */
    static void gemmNN(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        if (m == 0 || n == 0) return;
        lock(threads);
        try {
            openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, a, Math.max(1, k), b, n,
                    0f, c, n);
        } finally {
            LOCK.unlock();
        }
    }

    /** c (m, n) = a (k, m)ᵀ · b (k, n): dW = dzᵀ · in. */
    static void gemmTN(int threads, int m, int n, int k, FloatPointer a, FloatPointer b, FloatPointer c) {
        if (m == 0 || n == 0) return;
        lock(threads);
        try {
            openblas.cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, k, 1f, a, m, b, n, 0f, c, n);
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * y (m) = a (m, n) · x (n): one row through a layer, w · x, on the caller's thread count like every product
     * (switching the pool size per call would cost an allocation and a pool resize per row; a latency-critical
     * single-row service scores with one thread: {@code GclModel.withScorer(Scorer.FAST, 1)}).
     */
    static void gemv(int threads, int m, int n, FloatPointer a, FloatPointer x, FloatPointer y) {
        if (m == 0) return;
        lock(threads);
        try {
            openblas.cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, 1f, a, Math.max(1, n), x, 1, 0f, y, 1);
        } finally {
            LOCK.unlock();
        }
    }
}
