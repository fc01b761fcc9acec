// Dense-layer GEMMs for large shapes (FP32), the same three products as kernels/dense.cu, which stays the fallback
// for small shapes. Which kernel serves which shape: dev.gcl.backend.cuda.DenseGemmPlan.choose (docs/gpu-kernels.md).
//
//   dense_forward_big:          out = act(in · wᵀ + b)   in (rows, inDim), w (outDim, inDim), b (outDim),
//                                                          out (rows, outDim), (=)
//   dense_backward_input_big:   dIn = dz · w             dz (rows, outDim), w (outDim, inDim), dIn (rows, inDim), (=)
//   dense_backward_weight_big:  dW = dzᵀ · in            dz (rows, outDim), in (rows, inDim), dW (outDim, inDim), (=)
//   dense_forward_tile128x64, dense_backward_input_tile128x64, dense_backward_weight_tile128x64: the same products
//                               on 128×64 tiles (128 rows × 64 columns of C), for shapes with 128 to 255 tiles of
//                               128×128, which would give an H200's 132 SMs one block each
//
// The thin products (few output tiles, long k: dW with k = rows) split k deterministically in two launches:
//   dense_backward_weight_split128 / _split64:  partials[s] = dzᵀ[:, ks] · in[ks, :] over the s-th k range ks =
//                                  [s·kChunk, min((s+1)·kChunk, rows)), in ascending k; partials (splits, outDim,
//                                  inDim), (=); grid.z = splits
//   gemm_split_reduce:             c[i] = (float) Σ_{s = 0, 1, ..., splits-1} (double) partials[s][i], (=)
// Every element's sum keeps one fixed order (ascending k inside a split, ascending s across splits): no atomics,
// runs are bit-identical. The split count is a function of the shape only (DenseGemmPlan), never of the device.
//
// The tile code (gemm_big_tile<BM, BN>: double-buffered 8-deep k slices, 16-byte loads, its arithmetic order) is
// in gcl_gemm_fp32.cuh, shared with dense.cu: every FP32 kernel gives each output the same ascending-k fused
// multiply-adds from +0, so all of them give the same bits for a shape (tested against the plain loop).
//
// Occupancy: __launch_bounds__(256, 2) for the 128×128 and 128×64 tiles (at most 128 registers: 2 blocks of 256
// threads per SM), (256, 4) for 64×64 (at most 64: 4 blocks), so that a few more registers (a driver JIT from the
// PTX) cannot halve the occupancy. ptxas's report in the build (native-build/build-kernels.sh) checks both
// architectures; 128×64 at (256, 3) (at most 85) spills 4 bytes in the forward kernel on sm_90, so it stays at 2.
#include "gcl_gemm_fp32.cuh"  // gemm_big_tile, BIG_THREADS

#define BIG_MIN_BLOCKS_128 2    // 128×128: <= 128 registers
// The 128×128 backward products on sm_100 and sm_120: ptxas 13.0 spills 4 to 84 bytes under 128 registers there
// (dense_backward_input_big on sm_100, dense_backward_weight_big on sm_120, _split128 on both), so there they may
// take more registers, and so 1 block of 256 threads per SM. Every other arch (and the host emulation) keeps 2.
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 1000
#define BIG_MIN_BLOCKS_128_BACKWARD 1
#else
#define BIG_MIN_BLOCKS_128_BACKWARD 2
#endif
#define BIG_MIN_BLOCKS_128x64 2 // 128×64: <= 128 registers
#define BIG_MIN_BLOCKS_64 4     // 64×64: <= 64 registers

// Grid: (ceil(outDim / 128), ceil(rows / 128)), BIG_THREADS threads.
extern "C" __global__ void __launch_bounds__(BIG_THREADS, BIG_MIN_BLOCKS_128)
dense_forward_big(const float* __restrict__ in, const float* __restrict__ w, const float* __restrict__ b,
                  float* __restrict__ out, int rows, int inDim, int outDim, int act) {
    // A = in (rows, inDim) k-contiguous; B(k, n) = w[n, k] k-contiguous
    gemm_big_tile<128, 128, true, false>(in, inDim, w, inDim, out, outDim, rows, outDim, 0, inDim, b, act);
}

// Grid: (ceil(inDim / 128), ceil(rows / 128)).
extern "C" __global__ void __launch_bounds__(BIG_THREADS, BIG_MIN_BLOCKS_128_BACKWARD)
dense_backward_input_big(const float* __restrict__ dz, const float* __restrict__ w, float* __restrict__ dIn,
                         int rows, int inDim, int outDim) {
    // A = dz (rows, outDim) k-contiguous; B = w (outDim, inDim) n-contiguous
    gemm_big_tile<128, 128, true, true>(dz, outDim, w, inDim, dIn, inDim, rows, inDim, 0, outDim, nullptr,
                                        GCL_ACT_IDENTITY);
}

// Grid: (ceil(inDim / 128), ceil(outDim / 128)). The sum runs over rows, in ascending order.
extern "C" __global__ void __launch_bounds__(BIG_THREADS, BIG_MIN_BLOCKS_128_BACKWARD)
dense_backward_weight_big(const float* __restrict__ dz, const float* __restrict__ in, float* __restrict__ dW,
                          int rows, int inDim, int outDim) {
    // A(m, k) = dz[k, m] m-contiguous; B = in (rows, inDim) n-contiguous
    gemm_big_tile<128, 128, false, true>(dz, outDim, in, inDim, dW, inDim, outDim, inDim, 0, rows, nullptr,
                                         GCL_ACT_IDENTITY);
}

// 128×64 tiles (128 rows, 64 columns of C). Grid: (ceil(outDim / 64), ceil(rows / 128)).
extern "C" __global__ void __launch_bounds__(BIG_THREADS, BIG_MIN_BLOCKS_128x64)
dense_forward_tile128x64(const float* __restrict__ in, const float* __restrict__ w, const float* __restrict__ b,
                         float* __restrict__ out, int rows, int inDim, int outDim, int act) {
    gemm_big_tile<128, 64, true, false>(in, inDim, w, inDim, out, outDim, rows, outDim, 0, inDim, b, act);
}

// Grid: (ceil(inDim / 64), ceil(rows / 128)).
extern "C" __global__ void __launch_bounds__(BIG_THREADS, BIG_MIN_BLOCKS_128x64)
dense_backward_input_tile128x64(const float* __restrict__ dz, const float* __restrict__ w, float* __restrict__ dIn,
                                int rows, int inDim, int outDim) {
    gemm_big_tile<128, 64, true, true>(dz, outDim, w, inDim, dIn, inDim, rows, inDim, 0, outDim, nullptr,
                                       GCL_ACT_IDENTITY);
}

// Grid: (ceil(inDim / 64), ceil(outDim / 128)). The sum runs over rows, in ascending order.
extern "C" __global__ void __launch_bounds__(BIG_THREADS, BIG_MIN_BLOCKS_128x64)
dense_backward_weight_tile128x64(const float* __restrict__ dz, const float* __restrict__ in,
                                 float* __restrict__ dW, int rows, int inDim, int outDim) {
    gemm_big_tile<128, 64, false, true>(dz, outDim, in, inDim, dW, inDim, outDim, inDim, 0, rows, nullptr,
                                        GCL_ACT_IDENTITY);
}

// Split s = blockIdx.z of dW over rows: partials (splits, outDim, inDim). kChunk is a multiple of 8.
// Grid: (ceil(inDim / 128), ceil(outDim / 128), splits).
extern "C" __global__ void __launch_bounds__(BIG_THREADS, BIG_MIN_BLOCKS_128_BACKWARD)
dense_backward_weight_split128(const float* __restrict__ dz, const float* __restrict__ in,
                               float* __restrict__ partials, int rows, int inDim, int outDim, int kChunk) {
    const int kBegin = blockIdx.z * kChunk, kEnd = min(rows, kBegin + kChunk);
    float* p = partials + (long long)blockIdx.z * outDim * inDim;
    gemm_big_tile<128, 128, false, true>(dz, outDim, in, inDim, p, inDim, outDim, inDim, kBegin, kEnd, nullptr,
                                         GCL_ACT_IDENTITY);
}

// The same with 64×64 tiles (4×4 per thread), for dW with outDim or inDim under 128 (D's 512→32→1 layers).
// Grid: (ceil(inDim / 64), ceil(outDim / 64), splits).
extern "C" __global__ void __launch_bounds__(BIG_THREADS, BIG_MIN_BLOCKS_64)
dense_backward_weight_split64(const float* __restrict__ dz, const float* __restrict__ in,
                              float* __restrict__ partials, int rows, int inDim, int outDim, int kChunk) {
    const int kBegin = blockIdx.z * kChunk, kEnd = min(rows, kBegin + kChunk);
    float* p = partials + (long long)blockIdx.z * outDim * inDim;
    gemm_big_tile<64, 64, false, true>(dz, outDim, in, inDim, p, inDim, outDim, inDim, kBegin, kEnd, nullptr,
                                       GCL_ACT_IDENTITY);
}

// c[i] = Σ_s partials[s·n + i] in double, ascending s, rounded once. Grid-stride over n, GCL_THREADS threads.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
gemm_split_reduce(const float* __restrict__ partials, int splits, long long n, float* __restrict__ c) {
    GCL_FOR_EACH(i, n) {
        double s = 0.0;
        for (int p = 0; p < splits; p++) s += (double)partials[(long long)p * n + i];
        c[i] = (float)s;
    }
}
