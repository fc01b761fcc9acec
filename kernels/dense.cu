// Dense layers (Backend.denseForward / Backend.denseBackward).
//
//   dense_forward:         out = act(in · wᵀ + b)
//                          in (rows, inDim), w (outDim, inDim), b (outDim), out (rows, outDim), written (=)
//   dense_backward_dz:     dz = dOut ⊙ act'(out), the derivative taken from the saved output
//                          out, dOut, dz (rows, outDim), (=)
//   dense_backward_input:  dIn = dz · w          dz (rows, outDim), w (outDim, inDim), dIn (rows, inDim), (=)
//   dense_backward_weight: dW = dzᵀ · in         dz (rows, outDim), in (rows, inDim), dW (outDim, inDim), (=)
//   dense_backward_bias_partials, dense_backward_bias_reduce:
//                          dB[o] = Σ_r dz[r, o]  dz (rows, outDim), dB (outDim), (=); in two passes (chunks of
//                          rows into double partials (chunks, outDim), then their sum in ascending chunk order)
//
// The three products share one tiled FP32 GEMM, C(m, n) = Σ_k A(m, k)·B(k, n): 64×64 output tiles, 16-deep k
// slices staged in shared memory, 256 threads each owning a 4×4 strided block of C. Any size works (edges are
// zero-padded). Each C element is accumulated by one thread in ascending k with explicit fused multiply-adds, so
// results are deterministic; the sum is in float (the CPU reference sums in double: the parity tests allow
// for it). The bias sums accumulate in double, in a fixed order that depends on the shape only.
#include "gcl_common.cuh"

#define GEMM_BM 64
#define GEMM_BN 64
#define GEMM_BK 16
#define GEMM_THREADS 256

// C = A·B for the (blockIdx.y, blockIdx.x) tile. Layouts:
//   A_K_CONTIGUOUS: A(m, k) = a[m·lda + k], else A(m, k) = a[k·lda + m]
//   B_N_CONTIGUOUS: B(k, n) = b[k·ldb + n], else B(k, n) = b[n·ldb + k]
// Loads are mapped so that consecutive threads read consecutive addresses in either layout.
// The epilogue writes c[m·N + n] = act(acc + bias[n]) when bias is not null, else (float)acc.
template <bool A_K_CONTIGUOUS, bool B_N_CONTIGUOUS>
__device__ __forceinline__ void gemm_tile(const float* __restrict__ a, int lda, const float* __restrict__ b,
                                          int ldb, float* __restrict__ c, int M, int N, int K,
                                          const float* __restrict__ bias, int act) {
    // +1 column of padding: the k-contiguous loads store down a column, which would otherwise hit one bank
    __shared__ float As[GEMM_BK][GEMM_BM + 1];
    __shared__ float Bs[GEMM_BK][GEMM_BN + 1];

    const int t = threadIdx.x;
    const int tx = t % 16, ty = t / 16;
    const int m0 = blockIdx.y * GEMM_BM, n0 = blockIdx.x * GEMM_BN;

    float acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += GEMM_BK) {
#pragma unroll
        for (int l = 0; l < 4; l++) {  // 64×16 = 1024 elements of each tile, 4 per thread
            const int idx = t + GEMM_THREADS * l;
            int mm, kk;
            if (A_K_CONTIGUOUS) { kk = idx % GEMM_BK; mm = idx / GEMM_BK; }
            else                { mm = idx % GEMM_BM; kk = idx / GEMM_BM; }
            const int m = m0 + mm, k = k0 + kk;
            float v = 0.0f;
            if (m < M && k < K) v = A_K_CONTIGUOUS ? a[(long long)m * lda + k] : a[(long long)k * lda + m];
            As[kk][mm] = v;

            int nn;
            if (B_N_CONTIGUOUS) { nn = idx % GEMM_BN; kk = idx / GEMM_BN; }
            else                { kk = idx % GEMM_BK; nn = idx / GEMM_BK; }
            const int n = n0 + nn, kb = k0 + kk;
            float w = 0.0f;
            if (n < N && kb < K) w = B_N_CONTIGUOUS ? b[(long long)kb * ldb + n] : b[(long long)n * ldb + kb];
            Bs[kk][nn] = w;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < GEMM_BK; kk++) {
            float ra[4], rb[4];
#pragma unroll
            for (int i = 0; i < 4; i++) ra[i] = As[kk][ty + 16 * i];
#pragma unroll
            for (int j = 0; j < 4; j++) rb[j] = Bs[kk][tx + 16 * j];
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 4; j++) acc[i][j] = __fmaf_rn(ra[i], rb[j], acc[i][j]);
        }
        __syncthreads();
    }

#pragma unroll
    for (int i = 0; i < 4; i++) {
        const int m = m0 + ty + 16 * i;
        if (m >= M) continue;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int n = n0 + tx + 16 * j;
            if (n >= N) continue;
            float v = acc[i][j];
            if (bias != nullptr) v = gcl_activate((double)v + (double)bias[n], act);
            c[(long long)m * N + n] = v;
        }
    }
}

// Grid: (ceil(outDim / 64), ceil(rows / 64)), GEMM_THREADS threads.
extern "C" __global__ void __launch_bounds__(GEMM_THREADS)
dense_forward(const float* __restrict__ in, const float* __restrict__ w, const float* __restrict__ b,
              float* __restrict__ out, int rows, int inDim, int outDim, int act) {
    // A = in (rows, inDim), B(k, n) = w[n, k]: both k-contiguous
    gemm_tile<true, false>(in, inDim, w, inDim, out, rows, outDim, inDim, b, act);
}

// Element-wise over n = rows · outDim, computed in double and rounded once.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
dense_backward_dz(const float* __restrict__ out, const float* __restrict__ dOut, float* __restrict__ dz,
                  long long n, int act) {
    GCL_FOR_EACH(i, n) dz[i] = (float)((double)dOut[i] * gcl_activation_derivative(out[i], act));
}

// Grid: (ceil(inDim / 64), ceil(rows / 64)).
extern "C" __global__ void __launch_bounds__(GEMM_THREADS)
dense_backward_input(const float* __restrict__ dz, const float* __restrict__ w, float* __restrict__ dIn,
                     int rows, int inDim, int outDim) {
    // A = dz (rows, outDim) k-contiguous, B = w (outDim, inDim) n-contiguous
    gemm_tile<true, true>(dz, outDim, w, inDim, dIn, rows, inDim, outDim, nullptr, GCL_ACT_IDENTITY);
}

// Grid: (ceil(inDim / 64), ceil(outDim / 64)). The sum runs over rows, in ascending order.
extern "C" __global__ void __launch_bounds__(GEMM_THREADS)
dense_backward_weight(const float* __restrict__ dz, const float* __restrict__ in, float* __restrict__ dW,
                      int rows, int inDim, int outDim) {
    // A(m, k) = dz[k, m]: m-contiguous; B = in (rows, inDim) n-contiguous
    gemm_tile<false, true>(dz, outDim, in, inDim, dW, outDim, inDim, rows, nullptr, GCL_ACT_IDENTITY);
}

#define BIAS_COLS 32
#define BIAS_LANES 32

// Pass 1 of dB, over chunks of rows so that enough blocks run to reach memory bandwidth (outDim / 32 blocks alone
// are 64 for width 2048, a third of an H200's SMs). Block (32, 32), grid (ceil(outDim / 32), chunks): block
// (x, c) takes rows [c·chunkRows, min(rows, (c + 1)·chunkRows)) of its 32 columns; lane y sums rows begin + y,
// begin + y + 32, ... in double, then lane 0 adds the 32 lane sums in ascending lane order into
// partials[c·outDim + col] (doubles, (=)). chunkRows and so the order depend on the shape only
// (CudaBackend.biasChunkRows): runs are bit-identical.
extern "C" __global__ void __launch_bounds__(BIAS_COLS * BIAS_LANES)
dense_backward_bias_partials(const float* __restrict__ dz, double* __restrict__ partials, int rows, int outDim,
                             int chunkRows) {
    __shared__ double lanes[BIAS_LANES][BIAS_COLS + 1];
    const int col = blockIdx.x * BIAS_COLS + threadIdx.x;
    const int begin = blockIdx.y * chunkRows, end = min(rows, begin + chunkRows);
    double s = 0.0;
    if (col < outDim) {
        for (int r = begin + threadIdx.y; r < end; r += BIAS_LANES) s += dz[(long long)r * outDim + col];
    }
    lanes[threadIdx.y][threadIdx.x] = s;
    __syncthreads();
    if (threadIdx.y == 0 && col < outDim) {
        double total = 0.0;
        for (int l = 0; l < BIAS_LANES; l++) total += lanes[l][threadIdx.x];
        partials[(long long)blockIdx.y * outDim + col] = total;
    }
}

// Pass 2: dB[o] = (float) Σ_{c = 0, 1, ..., chunks - 1} partials[c·outDim + o], ascending c, (=).
// Grid-stride over outDim, GCL_THREADS threads.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
dense_backward_bias_reduce(const double* __restrict__ partials, int chunks, int outDim, float* __restrict__ dB) {
    GCL_FOR_EACH(o, outDim) {
        double total = 0.0;
        for (int c = 0; c < chunks; c++) total += partials[(long long)c * outDim + o];
        dB[o] = (float)total;
    }
}
