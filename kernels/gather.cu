// Row gather (Backend.gatherRows): dst[r, :] = src[indices[indexOffset + r], :] for r in [0, rows).
// src (anything, cols), indices (>= indexOffset + rows) ints, dst (rows, cols), (=). A plain copy: exact.
#include "gcl_common.cuh"

// Element-wise over rows · cols (consecutive threads copy consecutive columns of one row: coalesced).
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
gather_rows(const float* __restrict__ src, const int* __restrict__ indices, int indexOffset,
            float* __restrict__ dst, int rows, int cols) {
    const long long n = (long long)rows * cols;
    GCL_FOR_EACH(i, n) {
        const int r = (int)(i / cols);
        const int j = (int)(i - (long long)r * cols);
        dst[i] = src[(long long)indices[indexOffset + r] * cols + j];
    }
}
