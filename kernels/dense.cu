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
// The three products are gemm_big_tile<64, 64> (gcl_gemm_fp32.cuh): 64×64 output tiles, 256 threads each owning a
// 4×4 block of C, 8-deep k slices double-buffered in shared memory, 16-byte loads where aligned; any size works
// (edges are zero-padded). Each C element is accumulated by one thread in ascending k with explicit fused
// multiply-adds from +0, as by the kernels of dense_big.cu, so every FP32 kernel gives the same bits; the sum is in
// float (the CPU reference sums in double: the parity tests allow for it). The bias sums accumulate in double, in
// a fixed order that depends on the shape only.
#include "gcl_gemm_fp32.cuh"  // gemm_big_tile, BIG_THREADS

#define GEMM_TILE 64
#define GEMM_THREADS BIG_THREADS
#define GEMM_MIN_BLOCKS 4  // at most 64 registers: 4 blocks of 256 threads per SM (ptxas checks it in the build)

// Grid: (ceil(outDim / 64), ceil(rows / 64)), GEMM_THREADS threads.
extern "C" __global__ void __launch_bounds__(GEMM_THREADS, GEMM_MIN_BLOCKS)
dense_forward(const float* __restrict__ in, const float* __restrict__ w, const float* __restrict__ b,
              float* __restrict__ out, int rows, int inDim, int outDim, int act) {
    // A = in (rows, inDim), B(k, n) = w[n, k]: both k-contiguous
    gemm_big_tile<GEMM_TILE, GEMM_TILE, true, false>(in, inDim, w, inDim, out, outDim, rows, outDim, 0, inDim, b,
                                                     act);
}

// Element-wise over n = rows · outDim, computed in double and rounded once.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
dense_backward_dz(const float* __restrict__ out, const float* __restrict__ dOut, float* __restrict__ dz,
                  long long n, int act) {
    GCL_FOR_EACH(i, n) dz[i] = (float)((double)dOut[i] * gcl_activation_derivative(out[i], act));
}

// Grid: (ceil(inDim / 64), ceil(rows / 64)).
extern "C" __global__ void __launch_bounds__(GEMM_THREADS, GEMM_MIN_BLOCKS)
dense_backward_input(const float* __restrict__ dz, const float* __restrict__ w, float* __restrict__ dIn,
                     int rows, int inDim, int outDim) {
    // A = dz (rows, outDim) k-contiguous, B = w (outDim, inDim) n-contiguous
    gemm_big_tile<GEMM_TILE, GEMM_TILE, true, true>(dz, outDim, w, inDim, dIn, inDim, rows, inDim, 0, outDim,
                                                    nullptr, GCL_ACT_IDENTITY);
}

// Grid: (ceil(inDim / 64), ceil(outDim / 64)). The sum runs over rows, in ascending order.
extern "C" __global__ void __launch_bounds__(GEMM_THREADS, GEMM_MIN_BLOCKS)
dense_backward_weight(const float* __restrict__ dz, const float* __restrict__ in, float* __restrict__ dW,
                      int rows, int inDim, int outDim) {
    // A(m, k) = dz[k, m]: m-contiguous; B = in (rows, inDim) n-contiguous
    gemm_big_tile<GEMM_TILE, GEMM_TILE, false, true>(dz, outDim, in, inDim, dW, inDim, outDim, inDim, 0, rows,
                                                     nullptr, GCL_ACT_IDENTITY);
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
