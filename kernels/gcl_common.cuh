// Shared helpers of the GCL kernels (kernels/*.cu). Every kernel of the module is compiled into one fatbin by
// native-build/build-kernels.sh, which includes each .cu file into one translation unit, so this header is
// included once per file and guarded.
//
// Conventions (those of dev.gcl.backend.Backend): matrices are row-major float arrays, shapes written
// (rows, cols); outputs are overwritten (=) unless a kernel says it accumulates (+=). Reductions never use
// floating-point atomics: each sum has one fixed order, so every launch is bit-reproducible.
//
// The module is compiled with -fmad=false: element-wise results then equal the CPU reference's double
// arithmetic rounded once to float, bit for bit where the CPU uses only +, -, *, / and sqrt. Where a fused
// multiply-add is wanted (the GEMM inner loop) it is written explicitly with __fmaf_rn, which -fmad=false keeps.
#ifndef GCL_COMMON_CUH
#define GCL_COMMON_CUH

#include <stdint.h>

// The block's dynamic shared memory (cuLaunchKernel's sharedMemBytes; above 48 KB only after the host raised the
// kernel's CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES), 16-byte aligned.
__device__ __forceinline__ float* gcl_dynamic_shared() {
#if defined(GCL_HOST_EMULATION)
    return static_cast<float*>(gcl_emu::dynamic_shared());
#else
    extern __shared__ __align__(16) float gcl_dynamic_shared_memory[];
    return gcl_dynamic_shared_memory;
#endif
}

// The values that change from one iteration to the next in a replayed iteration (a CUDA graph captured once per
// shape, dev.gcl.backend.cuda.CudaIterationGraphs), read by the kernels from device memory rather than passed as
// launch arguments: ints (2), the batch's first position in the epoch's row order and the iteration's number (the
// stream id of its random streams). kernels/iteration.cu advances them at the end of each iteration.
#define GCL_ITERATION_BATCH_START 0
#define GCL_ITERATION_NUMBER 1

// A device function kept out of line (nvcc's __noinline__; the host build's GNU attribute, since a macro named
// __noinline__ would break system headers that spell the attribute that way).
#if defined(GCL_HOST_EMULATION)
#define GCL_NOINLINE __attribute__((noinline))
#else
#define GCL_NOINLINE __noinline__
#endif

// Threads per block of the element-wise and one-block reduction kernels (the Java launchers use the same).
#define GCL_THREADS 256
#define GCL_REDUCE_THREADS 1024

// Grid-stride loop over [0, n) with 64-bit indices (rows * cols may exceed 2^31 on large feature sets).
#define GCL_FOR_EACH(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
         i += (long long)gridDim.x * blockDim.x)

// Row-wise loop for (rows, cols) element-wise kernels: each warp takes rows warp, warp + warps, ... (grid-stride)
// and its lanes the columns lane, lane + 32, ... of each: coalesced, and no 64-bit division of a flat index per
// element (a 64-bit integer division is a called routine of about 70 instructions on the GPU).
#define GCL_FOR_EACH_ROW_PER_WARP(r, rows) \
    for (int r = (int)(((long long)blockIdx.x * blockDim.x + threadIdx.x) / 32); r < (rows); \
         r += (int)(((long long)gridDim.x * blockDim.x) / 32))

// Sum of one double per thread of the block into thread 0's return value, in a fixed tree order.
// scratch holds blockDim.x doubles; blockDim.x must be a power of two. Every thread must call it.
__device__ __forceinline__ double gcl_block_sum(double v, double* scratch) {
    const int t = threadIdx.x;
    scratch[t] = v;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
        if (t < half) scratch[t] += scratch[t + half];
        __syncthreads();
    }
    double total = scratch[0];
    __syncthreads();  // scratch may be reused by the caller right after
    return total;
}

// Sum over the 32 lanes of a warp, fixed butterfly order; every lane gets the total.
__device__ __forceinline__ double gcl_warp_sum(double v) {
    for (int offset = 16; offset > 0; offset /= 2) v += __shfl_xor_sync(0xffffffffu, v, offset);
    return v;
}

// Activation ids: the ordinals of dev.gcl.backend.Activation.
#define GCL_ACT_IDENTITY 0
#define GCL_ACT_RELU 1
#define GCL_ACT_SIGMOID 2

// y = act(z), computed in double and rounded once, as Activation.apply does on the CPU.
__device__ __forceinline__ float gcl_activate(double z, int act) {
    if (act == GCL_ACT_RELU) return (float)(z > 0.0 ? z : 0.0);
    if (act == GCL_ACT_SIGMOID) return (float)(1.0 / (1.0 + exp(-z)));
    return (float)z;
}

// dy/dz from the saved output y, as Activation.derivativeFromOutput does.
__device__ __forceinline__ double gcl_activation_derivative(double y, int act) {
    if (act == GCL_ACT_RELU) return y > 0.0 ? 1.0 : 0.0;
    if (act == GCL_ACT_SIGMOID) return y * (1.0 - y);
    return 1.0;
}

#endif  // GCL_COMMON_CUH
