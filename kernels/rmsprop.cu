// RMSprop step (Backend.rmsprop), PyTorch semantics (torch.optim.RMSprop, centered = false, weight_decay = 0):
//
//   v = alpha·v + (1 - alpha)·g²;  buf = momentum·buf + g / (sqrt(v) + eps);  param -= lr·buf
//
// Element-wise over n; param, squareAvg (v) and momentumBuf (buf) are updated in place (read then =), grad is
// read. Computed in double in exactly RmsPropMath's operation order and rounded once per stored value, so with
// -fmad=false (no contraction) the results equal the CPU reference bit for bit.
//
// guard (may be null) holds guardLength values, the losses and statistics of the trainer's iteration so far: when
// any is NaN or infinite, nothing is written (the step is skipped on the device, without a download).
#include "gcl_common.cuh"

// One element per thread (no grid-stride loop): with fewer values live across the double division's slow-path
// call, ptxas for sm_80 needs no spills. Grid: ceil(n / GCL_THREADS).
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
rmsprop(float* __restrict__ param, const float* __restrict__ grad, float* __restrict__ squareAvg,
        float* __restrict__ momentumBuf, int n, double lr, double alpha, double eps, double momentum,
        const float* __restrict__ guard, int guardLength) {
    const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    for (int k = 0; k < guardLength; k++) {
        if (!isfinite(guard[k])) return;
    }
    const double g = grad[i];
    const double v = alpha * (double)squareAvg[i] + (1.0 - alpha) * g * g;
    squareAvg[i] = (float)v;
    const double buf = momentum * (double)momentumBuf[i] + g / (sqrt(v) + eps);
    momentumBuf[i] = (float)buf;
    param[i] = (float)((double)param[i] - lr * buf);
}
