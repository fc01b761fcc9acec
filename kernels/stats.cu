// Statistics and pseudo-labels (Backend.rowMse, meanStd, thresholdLabels, minMaxScale).
//
//   row_mse:          err[r] = mean_j (a[r, j] - b[r, j])²        a, b (rows, cols), err (rows), (=)
//   mean_std:         stats[0] = mean(v[0..n)), stats[1] = unbiased sample standard deviation (n - 1), n >= 2
//                     v (n), stats (>= 2), (=)
//   threshold_labels: labels[i] = 1 if v[i] > (double)stats[0] + k·(double)stats[1] (strict, in double) and
//                     (mask is null or mask[i] != 0), else 0          v, mask, labels (n), (=)
//   min_max_scale:    out[i] = (v[i] - min v) / (max v - min v), or 0 when max = min      v, out (n), (=)
//
// Sums accumulate in double in a fixed tree order (no atomics), as close to the CPU reference's sequential
// double sums as a parallel order allows; element-wise results are computed in double and rounded once.
#include "gcl_common.cuh"

// One warp per row, 8 rows per block of 256 threads: lane l adds columns l, l + 32, ... in double, then a
// butterfly sum. Grid: ceil(rows / 8).
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
row_mse(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ err, int rows, int cols) {
    const int lane = threadIdx.x % 32;
    const int row = blockIdx.x * (GCL_THREADS / 32) + threadIdx.x / 32;
    if (row >= rows) return;  // whole warps leave together: the shuffle below sees full warps only
    const float* x = a + (long long)row * cols;
    const float* y = b + (long long)row * cols;
    double s = 0.0;
    for (int j = lane; j < cols; j += 32) {
        const double d = (double)x[j] - (double)y[j];
        s += d * d;
    }
    s = gcl_warp_sum(s);
    if (lane == 0) err[row] = (float)(s / cols);
}

// One block of GCL_REDUCE_THREADS threads: pass 1 sums v for the mean, pass 2 the squared deviations from it
// (the two-pass form of the CPU reference). Grid: 1.
extern "C" __global__ void __launch_bounds__(GCL_REDUCE_THREADS)
mean_std(const float* __restrict__ v, int n, float* __restrict__ stats) {
    __shared__ double scratch[GCL_REDUCE_THREADS];
    double s = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) s += v[i];
    const double mean = gcl_block_sum(s, scratch) / n;
    double ss = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        const double d = (double)v[i] - mean;
        ss += d * d;
    }
    const double total = gcl_block_sum(ss, scratch);
    if (threadIdx.x == 0) {
        stats[0] = (float)mean;
        stats[1] = (float)sqrt(total / (n - 1));
    }
}

// Element-wise. mask may be null.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
threshold_labels(const float* __restrict__ v, int n, const float* __restrict__ stats, double k,
                 const float* __restrict__ mask, float* __restrict__ labels) {
    const double threshold = (double)stats[0] + k * (double)stats[1];
    GCL_FOR_EACH(i, n) {
        const bool allowed = mask == nullptr || mask[i] != 0.0f;
        labels[i] = allowed && (double)v[i] > threshold ? 1.0f : 0.0f;
    }
}

// One block: min and max by a tree (order-independent anyway), then the scaled values. Grid: 1.
extern "C" __global__ void __launch_bounds__(GCL_REDUCE_THREADS)
min_max_scale(const float* __restrict__ v, int n, float* __restrict__ out) {
    __shared__ float lo[GCL_REDUCE_THREADS], hi[GCL_REDUCE_THREADS];
    float mn = __int_as_float(0x7f800000), mx = __int_as_float(0xff800000);  // +inf, -inf
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        mn = fminf(mn, v[i]);
        mx = fmaxf(mx, v[i]);
    }
    lo[threadIdx.x] = mn;
    hi[threadIdx.x] = mx;
    __syncthreads();
    for (int half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) {
            lo[threadIdx.x] = fminf(lo[threadIdx.x], lo[threadIdx.x + half]);
            hi[threadIdx.x] = fmaxf(hi[threadIdx.x], hi[threadIdx.x + half]);
        }
        __syncthreads();
    }
    const float min = lo[0];
    const double range = (double)hi[0] - (double)min;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        out[i] = range > 0.0 ? (float)(((double)v[i] - (double)min) / range) : 0.0f;
    }
}
