// Negative-learning targets (Backend.nlTargets), docs/algorithm.md step 5.
//
//   nl_normal_rows: normalRows[0..count) = the rows with labels[r] == 0, ascending; count[0] = how many.
//                   labels (rows), normalRows (rows) ints, count (1) int, (=)
//   nl_targets:     for a row with label 0: target = x, weight 1. For a row with label != 0, by mode:
//                   ONES (0): target = 1, weight 1
//                   RANDOM_NORMAL (1): target = x[normalRows[min(count - 1, floor((double)picks[r] · count))]],
//                                      weight 1; target = x when count = 0
//                   GAUSSIAN (2): target = x + noise (a float sum, as on the CPU), weight 1
//                   NONE (3): target = x, weight 0
//                   x, noise, targets (rows, cols); labels, picks, weights (rows); normalRows, count as above.
//                   noise is read only for GAUSSIAN, picks, normalRows and count only for RANDOM_NORMAL.
//                   targets and weights (=).
// Mode ids are the ordinals of dev.gcl.backend.NlTarget. Every result is exactly the CPU reference's.
#include "gcl_common.cuh"

#define NL_MODE_ONES 0
#define NL_MODE_RANDOM_NORMAL 1
#define NL_MODE_GAUSSIAN 2
#define NL_MODE_NONE 3

// One block of GCL_REDUCE_THREADS threads; thread t owns the contiguous row chunk [t·chunk, (t+1)·chunk), so an
// exclusive prefix sum of the per-thread counts gives each thread where its normal rows go, in ascending order.
// Grid: 1.
extern "C" __global__ void __launch_bounds__(GCL_REDUCE_THREADS)
nl_normal_rows(const float* __restrict__ labels, int rows, int* __restrict__ normalRows, int* __restrict__ count) {
    __shared__ int scan[GCL_REDUCE_THREADS];
    const int t = threadIdx.x;
    const int chunk = (rows + blockDim.x - 1) / blockDim.x;
    const int from = min(rows, t * chunk), to = min(rows, from + chunk);
    int mine = 0;
    for (int r = from; r < to; r++) mine += labels[r] == 0.0f;
    scan[t] = mine;
    __syncthreads();
    // Hillis-Steele inclusive scan (integers: the order does not matter for the result)
    for (int offset = 1; offset < blockDim.x; offset *= 2) {
        const int add = t >= offset ? scan[t - offset] : 0;
        __syncthreads();
        scan[t] += add;
        __syncthreads();
    }
    int at = scan[t] - mine;
    for (int r = from; r < to; r++) {
        if (labels[r] == 0.0f) normalRows[at++] = r;
    }
    if (t == blockDim.x - 1) count[0] = scan[t];
}

// One warp per row (grid-stride over rows), lanes over the columns; lane 0 also writes the row's weight.
// Grid: ceil(rows / 8), at most 2^20.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
nl_targets(const float* __restrict__ x, const float* __restrict__ labels, int mode,
           const float* __restrict__ noise, const float* __restrict__ picks,
           const int* __restrict__ normalRows, const int* __restrict__ count,
           float* __restrict__ targets, float* __restrict__ weights, int rows, int cols) {
    const int lane = threadIdx.x % 32;
    GCL_FOR_EACH_ROW_PER_WARP(r, rows) {
        const bool anomalous = labels[r] != 0.0f;
        if (lane == 0) weights[r] = anomalous && mode == NL_MODE_NONE ? 0.0f : 1.0f;
        const long long base = (long long)r * cols;
        // the row targets copy from: x's own row, or for RANDOM_NORMAL the picked normal row (when there is one)
        long long from = base;
        if (anomalous && mode == NL_MODE_RANDOM_NORMAL) {
            const int normals = count[0];
            if (normals > 0) from = (long long)normalRows[min(normals - 1, (int)((double)picks[r] * normals))] * cols;
        }
        for (int j = lane; j < cols; j += 32) {
            float t = x[from + j];
            if (anomalous) {
                if (mode == NL_MODE_ONES) t = 1.0f;
                else if (mode == NL_MODE_GAUSSIAN) t = x[base + j] + noise[base + j];
            }
            targets[base + j] = t;
        }
    }
}
