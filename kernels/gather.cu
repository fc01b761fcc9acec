// Row gather (Backend.gatherRows): dst[r, :] = src[indices[indexOffset + r], :] for r in [0, rows).
// src (anything, cols), indices (>= indexOffset + rows) ints, dst (rows, cols), (=). A plain copy: exact.
#include "gcl_common.cuh"

// One warp per row (grid-stride over rows), consecutive lanes copying consecutive columns: coalesced, and no
// per-element division. Grid: ceil(rows / 8), at most 2^20.
__device__ __forceinline__ void gather_rows_from(const float* __restrict__ src, const int* __restrict__ indices,
                                                 float* __restrict__ dst, int rows, int cols) {
    GCL_FOR_EACH_ROW_PER_WARP(r, rows) {
        const float* from = src + (long long)indices[r] * cols;
        float* to = dst + (long long)r * cols;
        for (int j = threadIdx.x % 32; j < cols; j += 32) to[j] = from[j];
    }
}

extern "C" __global__ void __launch_bounds__(GCL_THREADS)
gather_rows(const float* __restrict__ src, const int* __restrict__ indices, int indexOffset,
            float* __restrict__ dst, int rows, int cols) {
    gather_rows_from(src, indices + indexOffset, dst, rows, cols);
}

// gather_rows inside a replayed iteration (kernels/iteration.cu): the index offset is the iteration's batch start,
// iterationValues[GCL_ITERATION_BATCH_START], written on the device before the launch rather than passed in it.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
gather_rows_at(const float* __restrict__ src, const int* __restrict__ indices,
               const int* __restrict__ iterationValues, float* __restrict__ dst, int rows, int cols) {
    gather_rows_from(src, indices + iterationValues[GCL_ITERATION_BATCH_START], dst, rows, cols);
}
