// TF32 tensor-core dense GEMMs for large shapes (CudaBackend with Precision.TF32), the same three products as
// kernels/dense_tf32.cu, which stays the fallback for small shapes. Which kernel serves which shape:
// dev.gcl.backend.cuda.DenseGemmPlan.chooseTf32 (docs/gpu-kernels.md).
//
//   dense_forward_tf32_big:          out = act(in · wᵀ + b)   in (rows, inDim), w (outDim, inDim), b (outDim),
//                                                               out (rows, outDim), (=)
//   dense_backward_input_tf32_big:   dIn = dz · w             dz (rows, outDim), w (outDim, inDim), dIn (rows, inDim), (=)
//   dense_backward_weight_tf32_big:  dW = dzᵀ · in            dz (rows, outDim), in (rows, inDim), dW (outDim, inDim), (=)
//   dense_backward_weight_tf32_split128: partials[s] = dzᵀ[:, ks] · in[ks, :] over the s-th range of rows ks =
//                                    [s·kChunk, min((s+1)·kChunk, rows)); partials (splits, outDim, inDim), (=);
//                                    grid.z = splits; then gemm_split_reduce (dense_big.cu) sums the splits in
//                                    ascending order in double.
//
// Math: C(m, n) = Σ_k tf32(A(m, k))·tf32(B(k, n)), tf32 = cvt.rna.tf32.f32, products accumulated in FP32 by
// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32; error bound as dense_tf32.cu's (ParityTolerances, TF32).
//
// Tiling: 128×128 output tile per block of 128 threads = 4 warps in a 2 (m) × 2 (n) grid, each warp owning
// 64×64 of C = 4 (m16) × 8 (n8) mma tiles, 128 FP32 accumulators per thread. k advances in 32-deep slices.
// Per 8-deep k step a warp loads 4 A fragments (16×8) and 8 B fragments (8×8), 512 + 512 values = 32 shared
// wavefronts of 128 bytes, for 32 mma: one wavefront per mma (64×32 warp tiles, the layout before 2026-12-03,
// needed 1.5).
//
// Pipeline: 3 shared stages per operand. Global → shared copies are cp.async (no registers in between), one
// commit group per slice; before multiplying slice s a thread waits until at most its newest group (slice s + 1)
// is pending (cp.async.wait_group 1), then the block meets at one barrier, which (a) makes every thread's copies of slice s visible and (b) proves every thread has finished
// slice s - 1, whose stage (s + 2) % 3 is then refilled with slice s + 2 while slice s is multiplied. The
// prologue issues slices 0 and 1; a group is committed every iteration, empty past the last slice, so the wait
// count stays 1. One barrier per slice.
//
// Shared memory: 3 stages × 2 operands × 128 × 32 floats = 98,304 bytes (TB_SHARED_BYTES), dynamic: above the
// 48 KB a block may have without asking, so the host sets CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES once
// per kernel and launches with sharedMemBytes = TB_SHARED_BYTES (dev.gcl.backend.cuda.CudaRuntime).
//
// Global accesses: a 16-byte chunk is 4 consecutive elements of the operand's contiguous dimension. With the
// matrix base 16-byte aligned and its row stride a multiple of 4 floats, each chunk is one 16-byte
// cp.async.cg with src-size = 4·(elements inside the matrix): the tail of a partial chunk and whole chunks outside
// (M, N, K) are zero-filled without being read. Otherwise (any other base or stride) the chunk is four 4-byte
// cp.async.ca, each with src-size 4 or 0. Any M, N, K and any buffer address work; kBegin must be a multiple of 4.
//
// Shared layouts (floats, no padding), XOR-swizzled in 16-byte chunks so that the cp.async writes and the
// fragment reads are conflict-free. An operand contiguous in k (A of forward and dIn, B of
// forward) is stored as 128 rows of 32 k (128 bytes, 8 chunks); one contiguous in m or n (A of dW, B of dIn and
// dW) as 32 k-rows of 128:
//   K_MAJOR(r, k)  = r·32  + ((k/4 XOR r%8)·4) + k%4
//   MN_MAJOR(k, r) = k·128 + ((r/4 XOR 2·(k%4))·4) + r%4
// K_MAJOR is read with ldmatrix (8 rows of 16 bytes per matrix, rows r0 .. r0 + 7 with r0 a multiple of 8, one
// chunk column c): each row is a whole 128-byte line and its chunk sits at 16-byte unit c XOR r%8, 8 distinct
// units: one wavefront per matrix. MN_MAJOR is read with 32-bit loads of rows r = r0 + g (g = 0..7, r0 a multiple
// of 8) and k = k0 + t (t = 0..3, k0 a multiple of 4): the row start is ≡ 0 (mod 32 words); bank = 4·((r/4 XOR
// 2t) mod 8) + r%4; r/4 is c or c + 1 (c even), so r/4 XOR 2t mod 8 runs over the 4 even values for one and the
// 4 odd for the other: 32 distinct banks. cp.async writes: a warp's 32 chunks are 4 whole K_MAJOR rows or one
// whole MN_MAJOR row (512 bytes), permuted within rows: no conflicts.
//
// Fragments (PTX ISA, "Matrix Fragments for mma.m16n8k8", .tf32), g = lane / 4, t = lane % 4:
//   A (16×8, row):  a0 = A(g, t)   a1 = A(g + 8, t)   a2 = A(g, t + 4)   a3 = A(g + 8, t + 4)
//   B (8×8, col):   b0 = B(t, g)   b1 = B(t + 4, g)
//   C (16×8):       c0 = C(g, 2t)  c1 = C(g, 2t + 1)  c2 = C(g + 8, 2t)  c3 = C(g + 8, 2t + 1)
// ldmatrix (.m8n8 .b16) hands lane l the 32-bit word l % 4 of row l / 4 of each matrix: of a tf32 tile of 8 rows
// × 4 k, element (g, t), which is a0 of the m16n8k8 A fragment for the matrix of rows 0..7, k 0..3; a1, a2, a3
// are the matrices (8..15, 0..3), (0..7, 4..7), (8..15, 4..7): one .x4 per A fragment. A k-contiguous B (stored
// [n][k]) gives b0 from the matrix (n 0..7, k 0..3) and b1 from (n 0..7, k 4..7): one .x4 per two n8 tiles. The
// m/n-contiguous operands have no ldmatrix form for 32-bit elements (.trans moves 16-bit ones) and are read with
// 32-bit loads: the same wavefronts, more instructions.
//
// Conversion in registers: the fragment loads bring the FP32 bits the copy landed and each register is rounded
// with cvt.rna.tf32.f32 before its mma (one cvt per mma: each element is converted once per warp that reads it,
// 2 warps with 64×64 warp tiles; 4 and 2 with the 64×32 tiles before). Rounding each stage in place instead (each
// thread its own chunks after its wait, before the barrier: built and tested on 2026-12-03, commit 21409e0)
// converts each element once per block, but reads and writes the whole stage once more: 1.0 shared wavefront per
// mma on top of the 1.0 of the fragment loads and the 0.5 of the cp.async writes, where one cvt per mma costs two
// issue slots and no shared bandwidth, the resource issue 18 found these kernels bound by (from the instruction
// counts; no device has measured it). dense_tf32.cu rounds before storing
// to shared memory: the same values reach the mma.
//
// Determinism: each C element belongs to one thread of one warp and is accumulated from 0 by one mma per 8-deep
// k group, the groups in ascending k (k = 0..7, 8..15, ...), eight products per mma in the hardware's fixed
// order. That is the same sequence of mma inputs as dense_tf32.cu (its 32-deep slices are four such groups in the
// same order), so for finite inputs the results equal dense_tf32.cu's bit for bit (both pad k to a multiple of
// 32 from kBegin). No split inside the whole-k kernels, no atomics: every launch is bit-identical. The split dW
// sums each k range in ascending order and the splits in ascending order (a different but fixed order; the split
// count is a function of the shape only).
//
// The epilogue is dense_tf32.cu's: act((double)acc + (double)bias[n]) in double, rounded once, when bias is
// given, else acc; stores outside (M, N) are skipped.
#include "gcl_common.cuh"
#include "gcl_tf32.cuh"  // gcl_to_tf32_bits, gcl_ldmatrix, gcl_mma_tf32, gcl_cp_async16/4, commit, wait

#define TB_BM 128
#define TB_BN 128
#define TB_BK 32
#define TB_STAGES 3
#define TB_THREADS 128
#define TB_TILE (TB_BM * TB_BK)  // floats per operand per stage (TB_BM = TB_BN)
#define TB_CHUNKS_PER_THREAD (TB_TILE / 4 / TB_THREADS)
// The dynamic shared memory of every kernel of this file. CudaRuntime.DYNAMIC_SHARED_BYTES holds the same number,
// and build-kernels.sh and kernel-report.py read the marker line below for their occupancy figures:
// gcl-dynamic-shared-bytes 98304 dense_forward_tf32_big dense_backward_input_tf32_big dense_backward_weight_tf32_big dense_backward_weight_tf32_split128
#define TB_SHARED_BYTES (TB_STAGES * 2 * TB_TILE * 4)
static_assert(TB_SHARED_BYTES == 98304, "the gcl-dynamic-shared-bytes marker above and CudaRuntime say 98304");

// Shared index of element (r, k) of a k-contiguous operand's tile (128 rows of 32), and of element (k, r) of an
// m- or n-contiguous one (32 rows of 128).
__device__ __forceinline__ int tb_k_major(int r, int k) {
    return r * TB_BK + ((((k >> 2) ^ r) & 7) << 2) + (k & 3);
}
__device__ __forceinline__ int tb_mn_major(int k, int r) {
    return k * TB_BM + ((((r >> 2) ^ ((k & 3) << 1))) << 2) + (r & 3);
}

// Where this thread's fragment elements of an m/n-contiguous operand (MN_MAJOR) lie in a stage, read with 32-bit
// loads, as 4 per-thread offsets plus constants. The elements are (r, k) with r = w0 + 8·p + g (p = 0..7, w0 a
// multiple of 32) and k = 4·cc + t (cc = 0..7), g = lane / 4, t = lane % 4:
//   k·128 + ((r/4 XOR 2t)·4) + r%4,   r/4 XOR 2t = w0/4 + g/4 + 8·(p/4) + 2·((p%4) XOR t)
//                                                = off[p % 4] + 512·cc + 32·(p / 4)
// so that after unrolling every address is one of 4 per-thread offsets plus a compile-time constant.
struct TbMnFragments {
    int off[4];
    __device__ __forceinline__ TbMnFragments(int w0, int g, int t) {
#pragma unroll
        for (int v = 0; v < 4; v++) off[v] = t * TB_BM + w0 + g + 8 * (v ^ t);
    }
    __device__ __forceinline__ int at(int p, int cc) const { return off[p & 3] + 512 * cc + 32 * (p >> 2); }
};

// The row address this lane supplies to ldmatrix.x4 for a k-contiguous operand (K_MAJOR): matrix mi = lane / 8,
// its row lane % 8. Matrix mi covers rows w0 + 8·rowGroup(mi) + 0..7 and the chunk 2·ks + chunkStep(mi) (k =
// 8·ks + 4·chunkStep .. + 3). For A (a0..a3 of an m16 tile): rowGroup = mi % 2, chunkStep = mi / 2; for B (b0, b1
// of two n8 tiles): rowGroup = mi / 2, chunkStep = mi % 2. Row r = w0 + 8·x + lane % 8 has r % 8 = lane % 8 (w0
// a multiple of 8), so the offset is one per-thread value per ks plus a constant per tile (16 rows = 512 floats):
// at(ks) + 512·i for A's m16 tile i, + 256·j for B's n8 tiles j, j + 1.
struct TbLdmatrixRows {
    int off[TB_BK / 8];
    __device__ __forceinline__ TbLdmatrixRows(int w0, int lane, bool bOperand) {
        const int mi = lane >> 3, row = lane & 7;
        const int rowGroup = bOperand ? mi >> 1 : mi & 1, chunkStep = bOperand ? mi & 1 : mi >> 1;
#pragma unroll
        for (int ks = 0; ks < TB_BK / 8; ks++) {
            off[ks] = (w0 + 8 * rowGroup + row) * TB_BK + (((2 * ks + chunkStep) ^ row) << 2);
        }
    }
    __device__ __forceinline__ int at(int ks) const { return off[ks]; }
};

// Chunk l (0..7) of this thread's 8 chunks of an operand's 32-deep slice (1024 chunks of 4 floats, consecutive
// threads on consecutive global chunks), id = t + 128·l: K_CONTIGUOUS: row id / 8, k quad id % 8; else k row
// id / 32, r quad id % 32. Its place in a stage: the offset of its first float.
template <bool K_CONTIGUOUS>
__device__ __forceinline__ int tb_chunk_offset(int id) {
    return K_CONTIGUOUS ? tb_k_major(id >> 3, 4 * (id & 7)) : tb_mn_major(id >> 5, 4 * (id & 31));
}

// Issues this thread's cp.async copies of one operand's slice [k0, k0 + 32) into the shared tile s (its 8 chunks,
// tb_chunk_offset). The operand is X(r, k), r in [r0, r0 + 128): K_CONTIGUOUS: x[r·ld + k], else x[k·ld + r];
// elements with r >= rows or k >= kEnd are zeros.
template <bool K_CONTIGUOUS>
__device__ __forceinline__ void tb_load(float* s, const float* __restrict__ x, long long ld, int r0, int rows,
                                        int k0, int kEnd, bool vec, int t) {
#pragma unroll
    for (int l = 0; l < TB_CHUNKS_PER_THREAD; l++) {
        const int id = t + TB_THREADS * l;
        int n;             // elements of this chunk inside the matrix (a prefix of the 4)
        long long offset;  // of the chunk's first element in x, when n > 0
        if (K_CONTIGUOUS) {
            const int r = r0 + (id >> 3), k = k0 + 4 * (id & 7);
            n = r < rows ? min(max(kEnd - k, 0), 4) : 0;
            offset = (long long)r * ld + k;
        } else {
            const int k = k0 + (id >> 5), r = r0 + 4 * (id & 31);
            n = k < kEnd ? min(max(rows - r, 0), 4) : 0;
            offset = (long long)k * ld + r;
        }
        float* dst = s + tb_chunk_offset<K_CONTIGUOUS>(id);
        const float* src = n > 0 ? x + offset : x;  // nothing is read when n is 0; x is a valid, aligned address
        if (vec) {
            gcl_cp_async16(dst, src, 4 * n);
        } else {
#pragma unroll
            for (int i = 0; i < 4; i++) gcl_cp_async4(dst + i, i < n ? src + i : x, i < n ? 4 : 0);
        }
    }
}

// C tile of C(m, n) = Σ_{k in [kBegin, kEnd)} A(m, k)·B(k, n) for block (blockIdx.y, blockIdx.x). Layouts:
//   A_K_CONTIGUOUS: A(m, k) = a[m·lda + k], else A(m, k) = a[k·lda + m]
//   B_N_CONTIGUOUS: B(k, n) = b[k·ldb + n], else B(k, n) = b[n·ldb + k]
// Writes c[m·ldc + n] = act((double)acc + bias[n]) when bias is not null, else acc, for m < M, n < N.
// Needs TB_SHARED_BYTES of dynamic shared memory.
template <bool A_K_CONTIGUOUS, bool B_N_CONTIGUOUS>
__device__ __forceinline__ void gemm_tile_tf32_big(const float* __restrict__ a, long long lda,
                                                   const float* __restrict__ b, long long ldb,
                                                   float* __restrict__ c, long long ldc, int M, int N, int kBegin,
                                                   int kEnd, const float* __restrict__ bias, int act) {
    // stages 0..2 of A (A_K_CONTIGUOUS: K_MAJOR(m, k), else MN_MAJOR(k, m)), then of B (B_N_CONTIGUOUS:
    // MN_MAJOR(k, n), else K_MAJOR(n, k))
    float* const shared = gcl_dynamic_shared();
    float* const As = shared;
    float* const Bs = shared + TB_STAGES * TB_TILE;

    const int t = threadIdx.x;
    const int lane = t % 32, warp = t / 32;
    const int g = lane / 4, q = lane % 4;                   // fragment row group and column (t in the PTX tables)
    const int wm = (warp % 2) * 64, wn = (warp / 2) * 64;  // this warp's 64×64 corner of the block tile
    const int m0 = blockIdx.y * TB_BM, n0 = blockIdx.x * TB_BN;
    const bool vecA = ((uintptr_t)a % 16 == 0) && (lda % 4 == 0);
    const bool vecB = ((uintptr_t)b % 16 == 0) && (ldb % 4 == 0);
    const int kTiles = kEnd > kBegin ? (kEnd - kBegin + TB_BK - 1) / TB_BK : 0;

    auto load = [&](int stage, int kt) {
        const int k0 = kBegin + kt * TB_BK;
        tb_load<A_K_CONTIGUOUS>(As + stage * TB_TILE, a, lda, m0, M, k0, kEnd, vecA, t);
        tb_load<!B_N_CONTIGUOUS>(Bs + stage * TB_TILE, b, ldb, n0, N, k0, kEnd, vecB, t);
    };
    const TbMnFragments mnA(wm, g, q);          // A(wm + 8·p + g, 4·cc + q), when A is m-contiguous
    const TbMnFragments mnB(wn, g, q);          // B(4·cc + q, wn + 8·p + g), when B is n-contiguous
    const TbLdmatrixRows ldA(wm, lane, false);  // when A is k-contiguous
    const TbLdmatrixRows ldB(wn, lane, true);   // when B is k-contiguous

    float acc[4][8][4];  // [m16 tile][n8 tile][c0..c3]
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
        for (int j = 0; j < 8; j++)
#pragma unroll
            for (int r = 0; r < 4; r++) acc[i][j][r] = 0.0f;

#pragma unroll
    for (int s = 0; s < TB_STAGES - 1; s++) {  // prologue: slices 0 and 1 in flight
        if (s < kTiles) load(s, s);
        gcl_cp_async_commit();
    }
    for (int kt = 0; kt < kTiles; kt++) {
        const int stage = kt % TB_STAGES;
        gcl_cp_async_wait<TB_STAGES - 2>();  // this thread's copies of slice kt have landed
        __syncthreads();                     // everyone's have; everyone is done with slice kt - 1
        const int next = kt + TB_STAGES - 1;
        if (next < kTiles) load(next % TB_STAGES, next);  // into the stage slice kt - 1 used
        gcl_cp_async_commit();
        const float* sa = As + stage * TB_TILE;  // FP32 bits, rounded to tf32 as fragments
        const float* sb = Bs + stage * TB_TILE;
        const uint32_t* ua = reinterpret_cast<const uint32_t*>(sa);
        const uint32_t* ub = reinterpret_cast<const uint32_t*>(sb);
#pragma unroll
        for (int ks = 0; ks < TB_BK / 8; ks++) {  // k = 8·ks .. 8·ks + 7: chunks cc = 2·ks (k + q), 2·ks + 1 (k + q + 4)
            uint32_t fa[4][4], fb[8][2];
#pragma unroll
            for (int i = 0; i < 4; i++) {  // rows wm + 16·i + g (p = 2i) and + 8 (p = 2i + 1)
                if (A_K_CONTIGUOUS) {
                    gcl_ldmatrix<4>(fa[i], sa + ldA.at(ks) + 512 * i);
#pragma unroll
                    for (int r = 0; r < 4; r++) fa[i][r] = gcl_to_tf32_bits(fa[i][r]);
                } else {
                    fa[i][0] = gcl_to_tf32_bits(ua[mnA.at(2 * i, 2 * ks)]);
                    fa[i][1] = gcl_to_tf32_bits(ua[mnA.at(2 * i + 1, 2 * ks)]);
                    fa[i][2] = gcl_to_tf32_bits(ua[mnA.at(2 * i, 2 * ks + 1)]);
                    fa[i][3] = gcl_to_tf32_bits(ua[mnA.at(2 * i + 1, 2 * ks + 1)]);
                }
            }
#pragma unroll
            for (int j = 0; j < 8; j += 2) {  // columns wn + 8·j + g (p = j) and wn + 8·(j + 1) + g
                if (!B_N_CONTIGUOUS) {
                    uint32_t pair[4];  // b0, b1 of n8 tile j, then of j + 1
                    gcl_ldmatrix<4>(pair, sb + ldB.at(ks) + 256 * j);
                    fb[j][0] = gcl_to_tf32_bits(pair[0]);
                    fb[j][1] = gcl_to_tf32_bits(pair[1]);
                    fb[j + 1][0] = gcl_to_tf32_bits(pair[2]);
                    fb[j + 1][1] = gcl_to_tf32_bits(pair[3]);
                } else {
#pragma unroll
                    for (int jj = j; jj < j + 2; jj++) {
                        fb[jj][0] = gcl_to_tf32_bits(ub[mnB.at(jj, 2 * ks)]);
                        fb[jj][1] = gcl_to_tf32_bits(ub[mnB.at(jj, 2 * ks + 1)]);
                    }
                }
            }
#pragma unroll
            for (int i = 0; i < 4; i++)
#pragma unroll
                for (int j = 0; j < 8; j++) gcl_mma_tf32(acc[i][j], fa[i], fb[j]);
        }
    }

#pragma unroll
    for (int i = 0; i < 4; i++) {
#pragma unroll
        for (int half = 0; half < 2; half++) {  // c0, c1 in row g; c2, c3 in row g + 8
            const int m = m0 + wm + 16 * i + g + 8 * half;
            if (m >= M) continue;
#pragma unroll
            for (int j = 0; j < 8; j++) {
#pragma unroll
                for (int e = 0; e < 2; e++) {
                    const int n = n0 + wn + 8 * j + 2 * q + e;
                    if (n >= N) continue;
                    float v = acc[i][j][2 * half + e];
                    if (bias != nullptr) v = gcl_activate((double)v + (double)bias[n], act);
                    c[(long long)m * ldc + n] = v;
                }
            }
        }
    }
}

// Grid: (ceil(outDim / 128), ceil(rows / 128)), TB_THREADS threads, TB_SHARED_BYTES of dynamic shared memory.
extern "C" __global__ void __launch_bounds__(TB_THREADS, 2)
dense_forward_tf32_big(const float* __restrict__ in, const float* __restrict__ w, const float* __restrict__ b,
                       float* __restrict__ out, int rows, int inDim, int outDim, int act) {
#if GCL_TF32_ARCH
    // A = in (rows, inDim) k-contiguous; B(k, n) = w[n, k] k-contiguous
    gemm_tile_tf32_big<true, false>(in, inDim, w, inDim, out, outDim, rows, outDim, 0, inDim, b, act);
#else
    __trap();  // sm_75: no TF32 instructions (gcl_tf32.cuh); never launched below CC 8.0
#endif
}

// Grid: (ceil(inDim / 128), ceil(rows / 128)), TB_THREADS threads, TB_SHARED_BYTES of dynamic shared memory.
extern "C" __global__ void __launch_bounds__(TB_THREADS, 2)
dense_backward_input_tf32_big(const float* __restrict__ dz, const float* __restrict__ w, float* __restrict__ dIn,
                              int rows, int inDim, int outDim) {
#if GCL_TF32_ARCH
    // A = dz (rows, outDim) k-contiguous; B = w (outDim, inDim) n-contiguous
    gemm_tile_tf32_big<true, true>(dz, outDim, w, inDim, dIn, inDim, rows, inDim, 0, outDim, nullptr,
                                   GCL_ACT_IDENTITY);
#else
    __trap();  // sm_75: no TF32 instructions (gcl_tf32.cuh); never launched below CC 8.0
#endif
}

// Grid: (ceil(inDim / 128), ceil(outDim / 128)), TB_THREADS threads, TB_SHARED_BYTES of dynamic shared memory. The sum runs over rows, in ascending order.
extern "C" __global__ void __launch_bounds__(TB_THREADS, 2)
dense_backward_weight_tf32_big(const float* __restrict__ dz, const float* __restrict__ in, float* __restrict__ dW,
                               int rows, int inDim, int outDim) {
#if GCL_TF32_ARCH
    // A(m, k) = dz[k, m] m-contiguous; B = in (rows, inDim) n-contiguous
    gemm_tile_tf32_big<false, true>(dz, outDim, in, inDim, dW, inDim, outDim, inDim, 0, rows, nullptr,
                                    GCL_ACT_IDENTITY);
#else
    __trap();  // sm_75: no TF32 instructions (gcl_tf32.cuh); never launched below CC 8.0
#endif
}

// Split s = blockIdx.z of dW over rows: partials (splits, outDim, inDim). kChunk is a multiple of 16.
// Grid: (ceil(inDim / 128), ceil(outDim / 128), splits), TB_THREADS threads, TB_SHARED_BYTES of dynamic shared memory.
extern "C" __global__ void __launch_bounds__(TB_THREADS, 2)
dense_backward_weight_tf32_split128(const float* __restrict__ dz, const float* __restrict__ in,
                                    float* __restrict__ partials, int rows, int inDim, int outDim, int kChunk) {
#if GCL_TF32_ARCH
    const int kBegin = blockIdx.z * kChunk, kEnd = min(rows, kBegin + kChunk);
    float* p = partials + (long long)blockIdx.z * outDim * inDim;
    gemm_tile_tf32_big<false, true>(dz, outDim, in, inDim, p, inDim, outDim, inDim, kBegin, kEnd, nullptr,
                                    GCL_ACT_IDENTITY);
#else
    __trap();  // sm_75: no TF32 instructions (gcl_tf32.cuh); never launched below CC 8.0
#endif
}
