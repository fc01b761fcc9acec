// Philox4x32-10 streams (Backend.philoxUniform, Backend.philoxNormal), the generator of dev.gcl.rng.Philox4x32
// (Salmon et al., SC 2011; Random123's philox4x32_R(10, ...)) with the layout of dev.gcl.rng.RandomStream:
//
//   key = (seed low word, seed high word); counter = (block lo, block hi, purpose id, stream id);
//   block b yields elements 4b .. 4b + 3, one per output word.
//
//   philox_uniform: out[i] = uniform(start + i), uniform(x) = ((x >>> 8) | 1) · 2^-24, i in [0, n), (=).
//                   Integer rounds (__umulhi and 32-bit products) and an exact float conversion: equal to the
//                   Java values bit for bit.
//   philox_normal:  out[i] = (float)(mean + std · z(start + i)), z by Box-Muller on the element pair (2m, 2m + 1):
//                   r = sqrt(-2 ln u1), a = 2π·u2, z = (float)(r·cos a) for the even element, (float)(r·sin a)
//                   for the odd one, in double, (=). CUDA's log/sin/cos are not StrictMath's: equal to the Java
//                   values within a few float ulps, not bit for bit.
#include "gcl_common.cuh"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

// The 4 words of block `block` of stream (k0, k1, purpose, stream).
__device__ __forceinline__ void philox_block(unsigned long long block, unsigned int purpose, unsigned int stream,
                                             unsigned int k0, unsigned int k1, unsigned int out[4]) {
    unsigned int c0 = (unsigned int)block, c1 = (unsigned int)(block >> 32), c2 = purpose, c3 = stream;
#pragma unroll
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        const unsigned int hi0 = __umulhi(PHILOX_M0, c0), lo0 = PHILOX_M0 * c0;
        const unsigned int hi1 = __umulhi(PHILOX_M1, c2), lo1 = PHILOX_M1 * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

// ((x >>> 8) | 1) · 2^-24: a 24-bit integer, converted exactly, times a power of two: exact.
__device__ __forceinline__ float philox_to_uniform(unsigned int word) {
    return (float)((word >> 8) | 1u) * 5.9604644775390625e-8f;
}

__device__ __forceinline__ void philox_uniform_fill(float* __restrict__ out, int n, unsigned long long start,
                                                    unsigned int k0, unsigned int k1, unsigned int purpose,
                                                    unsigned int stream) {
    GCL_FOR_EACH(i, n) {
        const unsigned long long e = start + (unsigned long long)i;
        unsigned int w[4];
        philox_block(e >> 2, purpose, stream, k0, k1, w);
        out[i] = philox_to_uniform(w[e & 3]);
    }
}

__device__ __forceinline__ void philox_normal_fill(float* __restrict__ out, int n, unsigned long long start,
                                                   float mean, float std, unsigned int k0, unsigned int k1,
                                                   unsigned int purpose, unsigned int stream) {
    const double two_pi = 2.0 * 3.141592653589793;  // 2.0 * Math.PI, as RandomStream computes it
    GCL_FOR_EACH(i, n) {
        const unsigned long long e = start + (unsigned long long)i;
        const unsigned long long pair = e & ~1ull;
        unsigned int w[4];
        philox_block(pair >> 2, purpose, stream, k0, k1, w);
        const bool high = (pair & 3) != 0;  // the pair is words (0, 1) or (2, 3) of this block
        const double u1 = philox_to_uniform(high ? w[2] : w[0]), u2 = philox_to_uniform(high ? w[3] : w[1]);
        const double r = sqrt(-2.0 * log(u1));
        const double a = two_pi * u2;
        const float z = (float)((e & 1) ? r * sin(a) : r * cos(a));
        out[i] = (float)((double)mean + (double)std * (double)z);
    }
}

extern "C" __global__ void __launch_bounds__(GCL_THREADS)
philox_uniform(float* __restrict__ out, int n, unsigned long long start, unsigned int k0, unsigned int k1,
               unsigned int purpose, unsigned int stream) {
    philox_uniform_fill(out, n, start, k0, k1, purpose, stream);
}

extern "C" __global__ void __launch_bounds__(GCL_THREADS)
philox_normal(float* __restrict__ out, int n, unsigned long long start, float mean, float std, unsigned int k0,
              unsigned int k1, unsigned int purpose, unsigned int stream) {
    philox_normal_fill(out, n, start, mean, std, k0, k1, purpose, stream);
}

// The same streams inside a replayed iteration (kernels/iteration.cu): the stream id is the iteration's number,
// iterationValues[GCL_ITERATION_NUMBER], written on the device before the launch rather than passed in it.
extern "C" __global__ void __launch_bounds__(GCL_THREADS)
philox_uniform_at(float* __restrict__ out, int n, unsigned long long start, unsigned int k0, unsigned int k1,
                  unsigned int purpose, const int* __restrict__ iterationValues) {
    philox_uniform_fill(out, n, start, k0, k1, purpose, (unsigned int)iterationValues[GCL_ITERATION_NUMBER]);
}

// Not inlined into philox_normal_at: inlined, ptxas for sm_90 spills 4 bytes there (the stream id read from memory
// stays live across the slow path of sin/cos); called, nothing spills. The arithmetic is the same either way.
__device__ GCL_NOINLINE void philox_normal_fill_called(float* __restrict__ out, int n, unsigned long long start,
                                                       float mean, float std, unsigned int k0, unsigned int k1,
                                                       unsigned int purpose, unsigned int stream) {
    philox_normal_fill(out, n, start, mean, std, k0, k1, purpose, stream);
}

extern "C" __global__ void __launch_bounds__(GCL_THREADS)
philox_normal_at(float* __restrict__ out, int n, unsigned long long start, float mean, float std,
                 unsigned int k0, unsigned int k1, unsigned int purpose,
                 const int* __restrict__ iterationValues) {
    philox_normal_fill_called(out, n, start, mean, std, k0, k1, purpose,
                              (unsigned int)iterationValues[GCL_ITERATION_NUMBER]);
}
