// The FP32 GEMM tile of the dense-layer kernels (kernels/dense.cu: 64×64; kernels/dense_big.cu: 128×128, 128×64
// and the split dW), one template, gemm_big_tile<BM, BN>. Included by both files; guarded.
//
// Design: BM×BN output tile per block of 256 threads (16×16), each thread owning (BM/16)×(BN/16) elements in
// groups of 4 rows/columns spaced 64 apart (rows ty·4 + i + 64·h, columns tx·4 + j + 64·h), so its shared-memory
// reads are 16-byte vectors. k advances in 8-deep slices through two shared buffers: while the block multiplies
// slice s from one buffer, each thread has slice s+1 in registers (issued before the multiply) and stores it into
// the other buffer afterwards: one barrier per slice. Shared rows are padded to BM + 4 floats: a k-contiguous
// operand is stored transposed, and with the row stride ≡ 4 (mod 32) the two k-quads a warp writes land on
// disjoint bank halves (conflict-free), while rows stay 16-byte aligned. Global loads are 16-byte vectors (4
// consecutive k, or 4 consecutive m/n) when the matrix's base address is 16-byte aligned, its row stride a
// multiple of 4 and the quad inside the matrix; otherwise (edges, odd strides, unaligned buffers) the same quad is
// read element by element with bounds checks. Out-of-range elements are zeros.
//
// Arithmetic order: each output is accumulated by one thread as acc = fma(a_k, b_k, acc) for ascending k starting
// from +0 (the zero padding of the last slice adds fma(0, 0, acc) = acc for any acc but -0, which a sum started
// at +0 never is), so every tile size gives the same bits, those of the plain ascending loop (the tests compare
// with it). The epilogue: act((double)acc + b) in double, rounded once.
#ifndef GCL_GEMM_FP32_CUH
#define GCL_GEMM_FP32_CUH

#include "gcl_common.cuh"

#define BIG_BK 8
#define BIG_THREADS 256

// Four floats read or written as one 16-byte access. On the device a float4; the stand-in (GCL_HOST_EMULATION)
// has no CUDA vector types, so it copies 16 bytes and, like the device, refuses a misaligned address: it writes
// to address 0 instead, which the stand-in reports as an illegal address (the launch fails, the test with it).
struct gcl_quad { float v[4]; };

#if defined(GCL_HOST_EMULATION)
inline void big_fault_if_misaligned(const void* p) {
    if (((uintptr_t)p & 15u) == 0) return;
    volatile uintptr_t zero = 0;
    *reinterpret_cast<volatile float*>(zero) = 0.0f;  // SIGSEGV, caught by the stand-in
}
#endif

__device__ __forceinline__ gcl_quad big_load4(const float* p) {
    gcl_quad q;
#if defined(GCL_HOST_EMULATION)
    big_fault_if_misaligned(p);
    std::memcpy(&q, p, 16);
#else
    const float4 t = *reinterpret_cast<const float4*>(p);
    q.v[0] = t.x; q.v[1] = t.y; q.v[2] = t.z; q.v[3] = t.w;
#endif
    return q;
}

__device__ __forceinline__ void big_store4(float* p, const gcl_quad& q) {
#if defined(GCL_HOST_EMULATION)
    big_fault_if_misaligned(p);
    std::memcpy(p, &q, 16);
#else
    *reinterpret_cast<float4*>(p) = make_float4(q.v[0], q.v[1], q.v[2], q.v[3]);
#endif
}

// Whether 16-byte accesses of quads starting at multiples of 4 elements are aligned in this matrix.
__device__ __forceinline__ bool big_vectorizable(const void* base, long long ld) {
    return (((uintptr_t)base & 15u) == 0) && (ld % 4 == 0);
}

// Reads the quad of a matrix X(r, q..q+3) = x[r·ld + q + i] (4 consecutive elements of one row of the stored
// array), zeros outside r < rows, q + i < cols.
__device__ __forceinline__ gcl_quad big_read_quad(const float* __restrict__ x, long long ld, int r, int q,
                                                  int rows, int cols, bool vec) {
    gcl_quad v;
    if (vec && r < rows && q + 3 < cols) return big_load4(x + (long long)r * ld + q);
#pragma unroll
    for (int i = 0; i < 4; i++) v.v[i] = (r < rows && q + i < cols) ? x[(long long)r * ld + q + i] : 0.0f;
    return v;
}

// C tile of C(m, n) = Σ_{k in [kBegin, kEnd)} A(m, k)·B(k, n) for block (blockIdx.y, blockIdx.x). Layouts:
//   A_K_CONTIGUOUS: A(m, k) = a[m·lda + k], else A(m, k) = a[k·lda + m]
//   B_N_CONTIGUOUS: B(k, n) = b[k·ldb + n], else B(k, n) = b[n·ldb + k]
// kBegin must be a multiple of 4 (vector quads along k start at multiples of 4). Writes c[m·ldc + n] =
// act((double)acc + bias[n]) when bias is not null, else (float)acc, for m < M, n < N.
template <int BM, int BN, bool A_K_CONTIGUOUS, bool B_N_CONTIGUOUS>
__device__ __forceinline__ void gemm_big_tile(const float* __restrict__ a, int lda, const float* __restrict__ b,
                                              int ldb, float* __restrict__ c, long long ldc, int M, int N,
                                              int kBegin, int kEnd, const float* __restrict__ bias, int act) {
    static_assert(BM % 64 == 0 && BN % 64 == 0, "tiles are whole groups of 16 threads × 4");
    constexpr int HM = BM / 64, HN = BN / 64;          // 4-row / 4-column groups per thread
    constexpr int QA = BM * BIG_BK / 4, QB = BN * BIG_BK / 4;  // quads per slice
    constexpr int LA = (QA + BIG_THREADS - 1) / BIG_THREADS, LB = (QB + BIG_THREADS - 1) / BIG_THREADS;
    constexpr int SA = BM + 4, SB = BN + 4;            // padded shared row strides (≡ 4 mod 32)

    alignas(16) __shared__ float As[2][BIG_BK][SA];    // As[buf][k][m]
    alignas(16) __shared__ float Bs[2][BIG_BK][SB];    // Bs[buf][k][n]

    const int t = threadIdx.x;
    const int tx = t % 16, ty = t / 16;
    const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
    const bool vecA = big_vectorizable(a, lda), vecB = big_vectorizable(b, ldb);

    gcl_quad ra_next[LA], rb_next[LB];

    // Global → registers for the slice starting at k0. Quad l of A: k-contiguous (row mm, k kk..kk+3) with
    // mm = idx / 2, kk = (idx % 2)·4; m-contiguous (k kk, m mm..mm+3) with kk = idx / (BM/4), mm = (idx % (BM/4))·4.
    auto fetch = [&](int k0) {
#pragma unroll
        for (int l = 0; l < LA; l++) {
            const int idx = t + BIG_THREADS * l;
            if (idx >= QA) break;
            if (A_K_CONTIGUOUS) ra_next[l] = big_read_quad(a, lda, m0 + idx / 2, k0 + (idx % 2) * 4, M, kEnd, vecA);
            else ra_next[l] = big_read_quad(a, lda, k0 + idx / (BM / 4), m0 + (idx % (BM / 4)) * 4, kEnd, M, vecA);
        }
#pragma unroll
        for (int l = 0; l < LB; l++) {
            const int idx = t + BIG_THREADS * l;
            if (idx >= QB) break;
            if (B_N_CONTIGUOUS) rb_next[l] = big_read_quad(b, ldb, k0 + idx / (BN / 4), n0 + (idx % (BN / 4)) * 4, kEnd, N, vecB);
            else rb_next[l] = big_read_quad(b, ldb, n0 + idx / 2, k0 + (idx % 2) * 4, N, kEnd, vecB);
        }
    };
    // Registers → shared buffer buf (k-major: As[buf][k][m], Bs[buf][k][n]).
    auto stash = [&](int buf) {
#pragma unroll
        for (int l = 0; l < LA; l++) {
            const int idx = t + BIG_THREADS * l;
            if (idx >= QA) break;
            if (A_K_CONTIGUOUS) {
                const int mm = idx / 2, kk = (idx % 2) * 4;
#pragma unroll
                for (int i = 0; i < 4; i++) As[buf][kk + i][mm] = ra_next[l].v[i];
            } else {
                big_store4(&As[buf][idx / (BM / 4)][(idx % (BM / 4)) * 4], ra_next[l]);
            }
        }
#pragma unroll
        for (int l = 0; l < LB; l++) {
            const int idx = t + BIG_THREADS * l;
            if (idx >= QB) break;
            if (B_N_CONTIGUOUS) {
                big_store4(&Bs[buf][idx / (BN / 4)][(idx % (BN / 4)) * 4], rb_next[l]);
            } else {
                const int nn = idx / 2, kk = (idx % 2) * 4;
#pragma unroll
                for (int i = 0; i < 4; i++) Bs[buf][kk + i][nn] = rb_next[l].v[i];
            }
        }
    };

    float acc[4 * HM][4 * HN];
#pragma unroll
    for (int i = 0; i < 4 * HM; i++)
#pragma unroll
        for (int j = 0; j < 4 * HN; j++) acc[i][j] = 0.0f;

    int buf = 0;
    if (kBegin < kEnd) {
        fetch(kBegin);
        stash(0);
    }
    __syncthreads();
    for (int k0 = kBegin; k0 < kEnd; k0 += BIG_BK) {
        const bool more = k0 + BIG_BK < kEnd;
        if (more) fetch(k0 + BIG_BK);  // in flight while this slice is multiplied
#pragma unroll
        for (int kk = 0; kk < BIG_BK; kk++) {
            float ra[4 * HM], rb[4 * HN];
#pragma unroll
            for (int h = 0; h < HM; h++) {
                const gcl_quad q = big_load4(&As[buf][kk][h * 64 + ty * 4]);
#pragma unroll
                for (int i = 0; i < 4; i++) ra[4 * h + i] = q.v[i];
            }
#pragma unroll
            for (int h = 0; h < HN; h++) {
                const gcl_quad q = big_load4(&Bs[buf][kk][h * 64 + tx * 4]);
#pragma unroll
                for (int j = 0; j < 4; j++) rb[4 * h + j] = q.v[j];
            }
#pragma unroll
            for (int i = 0; i < 4 * HM; i++)
#pragma unroll
                for (int j = 0; j < 4 * HN; j++) acc[i][j] = __fmaf_rn(ra[i], rb[j], acc[i][j]);
        }
        if (more) stash(buf ^ 1);  // the other buffer: last read before the previous barrier
        __syncthreads();
        buf ^= 1;
    }

    const bool vecC = big_vectorizable(c, ldc);
#pragma unroll
    for (int i = 0; i < 4 * HM; i++) {
        const int m = m0 + (i / 4) * 64 + ty * 4 + i % 4;
        if (m >= M) continue;
#pragma unroll
        for (int h = 0; h < HN; h++) {
            const int n = n0 + h * 64 + tx * 4;
            gcl_quad q;
#pragma unroll
            for (int j = 0; j < 4; j++) {
                float v = acc[i][4 * h + j];
                if (bias != nullptr && n + j < N) v = gcl_activate((double)v + (double)bias[n + j], act);
                q.v[j] = v;
            }
            float* row = c + (long long)m * ldc;
            if (vecC && n + 3 < N) {
                big_store4(row + n, q);
            } else {
#pragma unroll
                for (int j = 0; j < 4; j++)
                    if (n + j < N) row[n + j] = q.v[j];
            }
        }
    }
}

#endif  // GCL_GEMM_FP32_CUH
