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

#define LDMATRIX_MISALIGNED 0  // .x4 with lane 9 (row 1 of matrix 1) supplying a row 4 bytes off: the launch fails
#define LDMATRIX_SENTINEL 0xdeadbeefu

// One warp loads `mode` (1, 2 or 4) 8×8 b16 matrices out of a shared table of 64 rows of 16 bytes, row r holding
// the words src[4r .. 4r + 3]; lane j supplies the address of row (7·j + 3) % 64 (a permutation, so every lane's
// address matters) when j < 8·mode, else a misaligned address (ignored by the instruction). Lane l writes its
// registers to out[4l .. 4l + 3] (LDMATRIX_SENTINEL beyond the matrices loaded). mode LDMATRIX_MISALIGNED: .x4,
// lane 9's address 4 bytes off. src: 256 words. Grid (1, 1, 1), 32 threads.
extern "C" __global__ void __launch_bounds__(32)
gcl_standin_ldmatrix_probe(const unsigned* __restrict__ src, unsigned* __restrict__ out, int mode) {
    alignas(16) __shared__ float table[64 * 4];
    const int lane = threadIdx.x;
    for (int r = 2 * lane; r < 2 * lane + 2; r++) {
        for (int c = 0; c < 4; c++) std::memcpy(&table[4 * r + c], &src[4 * r + c], 4);
    }
    __syncthreads();
    const int matrices = mode == LDMATRIX_MISALIGNED ? 4 : mode;
    const float* row = &table[4 * ((7 * lane + 3) % 64)];
    if (lane >= 8 * matrices) row = &table[1];  // not a row address: must be ignored
    if (mode == LDMATRIX_MISALIGNED && lane == 9) row += 1;
    uint32_t d[4] = {LDMATRIX_SENTINEL, LDMATRIX_SENTINEL, LDMATRIX_SENTINEL, LDMATRIX_SENTINEL};
    if (matrices == 1) {
        uint32_t r1[1];
        gcl_ldmatrix<1>(r1, row);
        d[0] = r1[0];
    } else if (matrices == 2) {
        uint32_t r2[2];
        gcl_ldmatrix<2>(r2, row);
        d[0] = r2[0];
        d[1] = r2[1];
    } else {
        gcl_ldmatrix<4>(d, row);
    }
    for (int i = 0; i < 4; i++) out[4 * lane + i] = d[i];
}
