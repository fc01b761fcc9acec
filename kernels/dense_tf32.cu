// TF32 tensor-core variants of the dense GEMMs (CudaBackend with Precision.TF32; the FP32 kernels of dense.cu
// stay the default). Same math, shapes and (=) semantics as their FP32 twins:
//
//   dense_forward_tf32:         out = act(in · wᵀ + b)   in (rows, inDim), w (outDim, inDim), b (outDim),
//                                                        out (rows, outDim)
//   dense_backward_input_tf32:  dIn = dz · w             dz (rows, outDim), w (outDim, inDim), dIn (rows, inDim)
//   dense_backward_weight_tf32: dW = dzᵀ · in            dz (rows, outDim), in (rows, inDim), dW (outDim, inDim)
//   dense_backward_weight_tf32_split64: partials[s] = dzᵀ[:, ks] · in[ks, :] over the s-th range of rows (thin dW),
//                                       then gemm_split_reduce (dense_big.cu)
//
// (dense_backward_dz and dense_backward_bias_* have no products to speed up: TF32 uses the FP32/double kernels.)
//
// C(m, n) = Σ_k A(m, k)·B(k, n) with tf32(x) = cvt.rna.tf32.f32(x) (round to nearest, ties away, to 10 mantissa
// bits) applied to every A and B element, the products accumulated in FP32 by
// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 (sm_80+, PTX ISA 7.0+). Error against exact arithmetic, per
// element: |ΔC| <= (2·2^-11 + 2^-22)·Σ_k |A(m,k)·B(k,n)| from the input rounding, plus the tensor cores' truncating
// FP32 accumulation's < 2K·2^-23·Σ_k |A·B|; ParityTolerances derives the bound the parity checks use.
//
// Tiling: 64×64 output tiles, 32-deep k slices, 128 threads = 4 warps in a 2×2 grid, each warp owning 32×32 of C
// = 2 (m16) × 4 (n8) mma tiles, 32 FP32 accumulators per thread. Tiles are staged in shared memory already
// converted to tf32, both operands stored k-contiguous (As[m][k], Bs[n][k]) with 4 words of padding per row, so
// the fragment reads (row g = lane/4, column t = lane%4) hit 32 different banks, and k placed by tf32_swizzle so
// that the stores of m/n-contiguous operands do too (before 2026-12-03 they were 4-way bank conflicts). Loads outside (M, N, K) store 0,
// stores outside (M, N) are skipped: any size works.
//
// Determinism: each C element belongs to one thread of one warp; its k slices are accumulated in ascending order,
// eight products per mma in the hardware's fixed order. No split-K, no atomics: every launch is bit-identical.
//
// mma.sync m16n8k8 fragments (PTX ISA, "Matrix Fragments for mma.m16n8k8", .tf32), g = lane / 4, t = lane % 4:
//   A (16×8, row):  a0 = A(g, t)   a1 = A(g + 8, t)   a2 = A(g, t + 4)   a3 = A(g + 8, t + 4)
//   B (8×8, col):   b0 = B(t, g)   b1 = B(t + 4, g)
//   C (16×8):       c0 = C(g, 2t)  c1 = C(g, 2t + 1)  c2 = C(g + 8, 2t)  c3 = C(g + 8, 2t + 1)
#include "gcl_common.cuh"
#include "gcl_tf32.cuh"  // gcl_to_tf32, gcl_mma_tf32 (inline PTX, with host twins)

#define TF32_BM 64
#define TF32_BN 64
#define TF32_BK 32
#define TF32_PAD 4
#define TF32_THREADS 128

// Where element k of shared row `row` (As[m][·], Bs[n][·]) is kept: k XOR ((row / 8) % 4), a permutation of the
// row. With the row stride of 36 words, word (row, k) sits in bank (4·row + k) mod 32, so without it the
// m/n-contiguous loads (32 consecutive rows, one k per warp store) hit 8 banks 4 times each; with it the four rows
// r, r + 8, r + 16, r + 24 that share a bank group take k, k^1, k^2, k^3: 32 banks. The fragment reads (8 rows of
// one 8-aligned group, so one XOR value, × 4 consecutive k) and the k-contiguous stores (one row, 32 k) stay
// conflict-free. Placement only: the same values meet in the same order, the results do not change.
__device__ __forceinline__ int tf32_swizzle(int row, int k) { return k ^ ((row >> 3) & 3); }

// C = Σ_{k in [kBegin, kEnd)} A(m, k)·B(k, n) for the (blockIdx.y, blockIdx.x) tile, layouts as gemm_tile's in
// dense.cu (k slices start at kBegin: a whole-k product passes 0, K):
//   A_K_CONTIGUOUS: A(m, k) = a[m·lda + k], else A(m, k) = a[k·lda + m]
//   B_N_CONTIGUOUS: B(k, n) = b[k·ldb + n], else B(k, n) = b[n·ldb + k]
// Global loads are mapped so that consecutive threads read consecutive addresses in either layout.
// The epilogue writes c[m·N + n] = act(acc + bias[n]) (in double) when bias is not null, else acc.
template <bool A_K_CONTIGUOUS, bool B_N_CONTIGUOUS>
__device__ __forceinline__ void gemm_tile_tf32(const float* __restrict__ a, int lda, const float* __restrict__ b,
                                               int ldb, float* __restrict__ c, int M, int N, int kBegin, int kEnd,
                                               const float* __restrict__ bias, int act) {
    __shared__ uint32_t As[TF32_BM][TF32_BK + TF32_PAD];  // As[m][k] = tf32(A(m0 + m, k0 + k))
    __shared__ uint32_t Bs[TF32_BN][TF32_BK + TF32_PAD];  // Bs[n][k] = tf32(B(k0 + k, n0 + n))

    const int t = threadIdx.x;
    const int lane = t % 32, warp = t / 32;
    const int g = lane / 4, q = lane % 4;                 // fragment row group and column (t in the PTX tables)
    const int wm = (warp / 2) * 32, wn = (warp % 2) * 32; // this warp's 32×32 corner of the block tile
    const int m0 = blockIdx.y * TF32_BM, n0 = blockIdx.x * TF32_BN;

    float acc[2][4][4];  // [m16 tile][n8 tile][c0..c3]
#pragma unroll
    for (int i = 0; i < 2; i++)
#pragma unroll
        for (int j = 0; j < 4; j++)
#pragma unroll
            for (int r = 0; r < 4; r++) acc[i][j][r] = 0.0f;

    for (int k0 = kBegin; k0 < kEnd; k0 += TF32_BK) {
#pragma unroll 4
        for (int l = 0; l < TF32_BM * TF32_BK / TF32_THREADS; l++) {  // 2048 elements of each tile, 16 per thread
            const int idx = t + TF32_THREADS * l;
            int mm, kk;
            if (A_K_CONTIGUOUS) { kk = idx % TF32_BK; mm = idx / TF32_BK; }
            else                { mm = idx % TF32_BM; kk = idx / TF32_BM; }
            const int m = m0 + mm, k = k0 + kk;
            float v = 0.0f;
            if (m < M && k < kEnd) v = A_K_CONTIGUOUS ? a[(long long)m * lda + k] : a[(long long)k * lda + m];
            As[mm][tf32_swizzle(mm, kk)] = gcl_to_tf32(v);

            int nn;
            if (B_N_CONTIGUOUS) { nn = idx % TF32_BN; kk = idx / TF32_BN; }
            else                { kk = idx % TF32_BK; nn = idx / TF32_BK; }
            const int n = n0 + nn, kb = k0 + kk;
            float w = 0.0f;
            if (n < N && kb < kEnd) w = B_N_CONTIGUOUS ? b[(long long)kb * ldb + n] : b[(long long)n * ldb + kb];
            Bs[nn][tf32_swizzle(nn, kk)] = gcl_to_tf32(w);
        }
        __syncthreads();
#pragma unroll
        for (int ks = 0; ks < TF32_BK; ks += 8) {
            uint32_t fa[2][4], fb[4][2];
#pragma unroll
            for (int i = 0; i < 2; i++) {
                const int r = wm + 16 * i + g;
                // tf32_swizzle of rows r, r + 8 with wm a multiple of 32, g < 8 and ks a multiple of 8: constants
                fa[i][0] = As[r][ks + (q ^ (2 * i))];
                fa[i][1] = As[r + 8][ks + (q ^ (2 * i + 1))];
                fa[i][2] = As[r][ks + 4 + (q ^ (2 * i))];
                fa[i][3] = As[r + 8][ks + 4 + (q ^ (2 * i + 1))];
            }
#pragma unroll
            for (int j = 0; j < 4; j++) {
                const int col = wn + 8 * j + g;
                fb[j][0] = Bs[col][ks + (q ^ j)];      // tf32_swizzle(col, ·): wn is a multiple of 32
                fb[j][1] = Bs[col][ks + 4 + (q ^ j)];
            }
#pragma unroll
            for (int i = 0; i < 2; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) gcl_mma_tf32(acc[i][j], fa[i], fb[j]);
        }
        __syncthreads();
    }

#pragma unroll
    for (int i = 0; i < 2; i++) {
#pragma unroll
        for (int half = 0; half < 2; half++) {  // c0, c1 in row g; c2, c3 in row g + 8
            const int m = m0 + wm + 16 * i + g + 8 * half;
            if (m >= M) continue;
#pragma unroll
            for (int j = 0; j < 4; j++) {
#pragma unroll
                for (int e = 0; e < 2; e++) {
                    const int n = n0 + wn + 8 * j + 2 * q + e;
                    if (n >= N) continue;
                    float v = acc[i][j][2 * half + e];
                    if (bias != nullptr) v = gcl_activate((double)v + (double)bias[n], act);
                    c[(long long)m * N + n] = v;
                }
            }
        }
    }
}

// Grid: (ceil(outDim / 64), ceil(rows / 64)), TF32_THREADS threads.
extern "C" __global__ void __launch_bounds__(TF32_THREADS)
dense_forward_tf32(const float* __restrict__ in, const float* __restrict__ w, const float* __restrict__ b,
                   float* __restrict__ out, int rows, int inDim, int outDim, int act) {
#if GCL_TF32_ARCH
    // A = in (rows, inDim), B(k, n) = w[n, k]: both k-contiguous
    gemm_tile_tf32<true, false>(in, inDim, w, inDim, out, rows, outDim, 0, inDim, b, act);
#else
    __trap();  // sm_75: no TF32 instructions (gcl_tf32.cuh); never launched below CC 8.0
#endif
}

// Grid: (ceil(inDim / 64), ceil(rows / 64)), TF32_THREADS threads.
extern "C" __global__ void __launch_bounds__(TF32_THREADS)
dense_backward_input_tf32(const float* __restrict__ dz, const float* __restrict__ w, float* __restrict__ dIn,
                          int rows, int inDim, int outDim) {
#if GCL_TF32_ARCH
    // A = dz (rows, outDim) k-contiguous, B = w (outDim, inDim) n-contiguous
    gemm_tile_tf32<true, true>(dz, outDim, w, inDim, dIn, rows, inDim, 0, outDim, nullptr, GCL_ACT_IDENTITY);
#else
    __trap();  // sm_75: no TF32 instructions (gcl_tf32.cuh); never launched below CC 8.0
#endif
}

// Grid: (ceil(inDim / 64), ceil(outDim / 64)), TF32_THREADS threads. The sum runs over rows in ascending slices.
extern "C" __global__ void __launch_bounds__(TF32_THREADS)
dense_backward_weight_tf32(const float* __restrict__ dz, const float* __restrict__ in, float* __restrict__ dW,
                           int rows, int inDim, int outDim) {
#if GCL_TF32_ARCH
    // A(m, k) = dz[k, m]: m-contiguous; B = in (rows, inDim) n-contiguous
    gemm_tile_tf32<false, true>(dz, outDim, in, inDim, dW, outDim, inDim, 0, rows, nullptr, GCL_ACT_IDENTITY);
#else
    __trap();  // sm_75: no TF32 instructions (gcl_tf32.cuh); never launched below CC 8.0
#endif
}

// Split s = blockIdx.z of dW over rows, for thin dW (D's 512→32 and 32→1 layers: a few 64×64 tiles summing over
// B = 8192 rows): partials (splits, outDim, inDim), rows [s·kChunk, min((s+1)·kChunk, rows)) summed in ascending
// slices; then gemm_split_reduce (dense_big.cu) sums the splits in ascending order in double. kChunk is a multiple
// of 16. Grid: (ceil(inDim / 64), ceil(outDim / 64), splits), TF32_THREADS threads.
extern "C" __global__ void __launch_bounds__(TF32_THREADS)
dense_backward_weight_tf32_split64(const float* __restrict__ dz, const float* __restrict__ in,
                                   float* __restrict__ partials, int rows, int inDim, int outDim, int kChunk) {
#if GCL_TF32_ARCH
    const int kBegin = blockIdx.z * kChunk, kEnd = min(rows, kBegin + kChunk);
    float* p = partials + (long long)blockIdx.z * outDim * inDim;
    gemm_tile_tf32<false, true>(dz, outDim, in, inDim, p, outDim, inDim, kBegin, kEnd, nullptr, GCL_ACT_IDENTITY);
#else
    __trap();  // sm_75: no TF32 instructions (gcl_tf32.cuh); never launched below CC 8.0
#endif
}
