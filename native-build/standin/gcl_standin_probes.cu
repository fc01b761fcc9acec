// Kernels that test the stand-in's emulation itself, compiled into the stand-in libcuda.so.1 only (after
// kernels/*.cu, by build-standin.sh): never by nvcc, never in the fatbin or the backend's kernel list.
// StandInDriverTest resolves them through a PTX text image that names their entries.
#include "gcl_tf32.cuh"

#define PROBE_THREADS 64
#define PROBE_CORRECT 0         // wait_group 0, then the barrier: every copy visible
#define PROBE_NO_WAIT 1         // the barrier without a wait: nothing has landed
#define PROBE_WAIT_OLDEST 2     // wait_group 1 of 2 groups: the first has landed, the second not
#define PROBE_NO_BARRIER 3      // each thread waits for its own copies but reads its neighbour's without a barrier
#define PROBE_MISALIGNED 4      // a 16-byte copy from an address 4 bytes off: the launch fails
#define PROBE_PAST_THE_END 5    // a copy from beyond src: the launch fails at the issuing thread
#define PROBE_SENTINEL -1.0f

// Thread t copies src[4t .. 4t+3] into stage 0 (one 16-byte cp.async.cg, src-size 16 for even t, 8 for odd t: a
// zero tail) as group 0, and src[256 + 4t + i] into stage 1 (four 4-byte cp.async.ca, src-size 4 for i < t % 5,
// else 0) as group 1; then waits as `mode` says and writes what it sees of its neighbour (t + 1) % 64:
// out[8t + e] = stage[e / 4][4·((t + 1) % 64) + e % 4]. Both stages hold PROBE_SENTINEL before the copies.
// src: 512 floats. Grid (1, 1, 1), PROBE_THREADS threads.
extern "C" __global__ void __launch_bounds__(PROBE_THREADS)
gcl_standin_cp_async_probe(const float* __restrict__ src, float* __restrict__ out, int mode) {
    alignas(16) __shared__ float stage[2][4 * PROBE_THREADS];
    const int t = threadIdx.x;
    for (int e = 0; e < 4; e++) stage[0][4 * t + e] = stage[1][4 * t + e] = PROBE_SENTINEL;
    __syncthreads();
    const float* from = mode == PROBE_MISALIGNED ? src + 4 * t + 1 : mode == PROBE_PAST_THE_END ? src + 512 : src + 4 * t;
    gcl_cp_async16(&stage[0][4 * t], from, t % 2 == 0 ? 16 : 8);
    gcl_cp_async_commit();
    for (int i = 0; i < 4; i++) gcl_cp_async4(&stage[1][4 * t + i], src + 256 + 4 * t + i, i < t % 5 ? 4 : 0);
    gcl_cp_async_commit();
    if (mode == PROBE_CORRECT || mode == PROBE_NO_BARRIER) gcl_cp_async_wait<0>();
    if (mode == PROBE_WAIT_OLDEST) gcl_cp_async_wait<1>();
    if (mode != PROBE_NO_BARRIER) __syncthreads();
    const int u = (t + 1) % PROBE_THREADS;
    for (int e = 0; e < 8; e++) out[8 * t + e] = stage[e / 4][4 * u + e % 4];
}
