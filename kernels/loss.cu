// Losses and their gradients (Backend.bceLossGrad, Backend.weightedMseGrad).
//
//   bce_loss_grad (PyTorch BCELoss, mean reduction):
//       loss[0] = -mean_i (y_i·max(ln p_i, -100) + (1 - y_i)·max(ln(1 - p_i), -100))
//       dP[i]   = (p_i - y_i) / max(p_i (1 - p_i), 1e-12) / n
//       p, y, dP (n), loss (>= 1), all (=)
//   weighted_mse_rows:  rowLoss[r] = w_r · mean_j (out[r, j] - t[r, j])²      (double scratch, rows)
//   weighted_mse_total: W = Σ_r w_r; loss[0] = Σ_r rowLoss[r] / W and scale[0] = 2 / (cols · W), both 0 when W = 0
//   weighted_mse_grad:  dOut[r, j] = scale · w_r · (out[r, j] - t[r, j])
//       out, t, dOut (rows, cols), weights (rows) or null for all 1; loss (>= 1), scale (1 double). All (=).
//
// Element-wise values are computed in double in the CPU reference's operation order and rounded once (bit-equal
// with -fmad=false, except the logarithms, which come from CUDA's libdevice); sums are fixed-order trees.
#include "gcl_common.cuh"

// max(v, -100) with Java's Math.max semantics (a NaN stays NaN)
__device__ __forceinline__ double clamp_log(double v) { return v < -100.0 ? -100.0 : v; }

// One block of GCL_REDUCE_THREADS threads: writes every gradient element and sums the loss. Grid: 1.
extern "C" __global__ void __launch_bounds__(GCL_REDUCE_THREADS)
bce_loss_grad(const float* __restrict__ p, const float* __restrict__ y, float* __restrict__ dP,
              float* __restrict__ loss, int n) {
    __shared__ double scratch[GCL_REDUCE_THREADS];
    double s = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        const double pi = p[i], yi = y[i];
        s += yi * clamp_log(log(pi)) + (1.0 - yi) * clamp_log(log(1.0 - pi));
        const double denom = pi * (1.0 - pi);
        dP[i] = (float)((pi - yi) / (denom < 1e-12 ? 1e-12 : denom) / n);
    }
    const double total = gcl_block_sum(s, scratch);
    if (threadIdx.x == 0) loss[0] = (float)(-total / n);
}

// One warp per row, 8 rows per block. Grid: ceil(rows / 8).
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
weighted_mse_rows(const float* __restrict__ out, const float* __restrict__ target,
                  const float* __restrict__ weights, double* __restrict__ rowLoss, int rows, int cols) {
    const int lane = threadIdx.x % 32;
    const int row = blockIdx.x * (GCL_THREADS / 32) + threadIdx.x / 32;
    if (row >= rows) return;
    const float* o = out + (long long)row * cols;
    const float* t = target + (long long)row * cols;
    double s = 0.0;
    for (int j = lane; j < cols; j += 32) {
        const double d = (double)o[j] - (double)t[j];
        s += d * d;
    }
    s = gcl_warp_sum(s);
    const double w = weights == nullptr ? 1.0 : (double)weights[row];
    if (lane == 0) rowLoss[row] = w * (s / cols);
}

// One block of GCL_REDUCE_THREADS threads. Grid: 1.
extern "C" __global__ void __launch_bounds__(GCL_REDUCE_THREADS)
weighted_mse_total(const float* __restrict__ weights, const double* __restrict__ rowLoss, int rows, int cols,
                   float* __restrict__ loss, double* __restrict__ scale) {
    __shared__ double scratch[GCL_REDUCE_THREADS];
    double w = 0.0, l = 0.0;
    for (int r = threadIdx.x; r < rows; r += blockDim.x) {
        w += weights == nullptr ? 1.0 : (double)weights[r];
        l += rowLoss[r];
    }
    const double wSum = gcl_block_sum(w, scratch);
    const double total = gcl_block_sum(l, scratch);
    if (threadIdx.x == 0) {
        loss[0] = wSum > 0.0 ? (float)(total / wSum) : 0.0f;
        scale[0] = wSum > 0.0 ? 2.0 / (cols * wSum) : 0.0;
    }
}

// One warp per row (grid-stride over rows), lanes over the columns. Grid: ceil(rows / 8), at most 2^20.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
weighted_mse_grad(const float* __restrict__ out, const float* __restrict__ target,
                  const float* __restrict__ weights, const double* __restrict__ scale,
                  float* __restrict__ dOut, int rows, int cols) {
    const double sc = scale[0];
    GCL_FOR_EACH_ROW_PER_WARP(r, rows) {
        const double w = weights == nullptr ? 1.0 : (double)weights[r];
        const long long base = (long long)r * cols;
        for (int j = threadIdx.x % 32; j < cols; j += 32) {
            const double d = (double)out[base + j] - (double)target[base + j];
            dOut[base + j] = (float)(sc * w * d);
        }
    }
}
