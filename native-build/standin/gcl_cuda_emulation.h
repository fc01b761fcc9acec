// CUDA C++ for the host: what kernels/*.cu use, so that g++ (C++20, -ffp-contract=off to match nvcc's
// -fmad=false) compiles them unchanged into the stand-in libcuda.so.1 (native-build/build-standin.sh).
//
// Execution model (gcl_emulation.cpp): one launch at a time; the blocks of a grid run one after another; the
// threads of a block run as fibers (user-space contexts) that switch only at barriers: __syncthreads makes every
// thread of the block meet, warp-level operations the 32 lanes of a warp. Shared memory is a function-local
// static: one copy, used by the one block that runs at a time (like the device, it is not cleared between blocks).
// cp.async copies are queued per thread and land at the thread's wait_group (gcl_emu::cp_async below).
#ifndef GCL_CUDA_EMULATION_H
#define GCL_CUDA_EMULATION_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdint.h>

#define GCL_HOST_EMULATION 1

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __launch_bounds__(...)
#define __shared__ static

struct uint3 { unsigned int x, y, z; };
struct dim3 { unsigned int x = 1, y = 1, z = 1; };

// The running thread's place in the grid (set by the scheduler before it resumes a fiber); the grid's shape.
extern uint3 threadIdx;
extern uint3 blockIdx;
extern dim3 blockDim;
extern dim3 gridDim;

namespace gcl_emu {
// Waits until every thread of the block that has not returned from the kernel arrives.
void syncthreads();
// Makes this thread's warp meet: every lane of the warp that has not returned arrives, then all go on.
void warp_sync();
// 32 slots of 16 bytes per warp for lane exchanges (shuffles), owned by the caller between two warp_sync calls.
void* warp_slots();
// The mma fragments of a warp: lane l's A, B and C, gathered before one lane-parallel product.
struct MmaExchange { uint32_t a[32][4]; uint32_t b[32][2]; float c[32][4]; };
MmaExchange* warp_mma();
// The block's dynamic shared memory (extern __shared__ on the device): cuLaunchKernel's sharedMemBytes, 16-byte
// aligned, ending exactly against a PROT_NONE guard page (an access past its end faults: illegal address), filled
// with 0xff bytes (NaN) at each launch, not cleared between blocks. nullptr when the launch asked for none.
void* dynamic_shared();
// The index of this thread's lane in its warp (threads are numbered x fastest, then y, then z).
int lane_id();

// cvt.rna.tf32.f32: round to nearest, ties away from zero, keeping 10 of the 23 mantissa bits (the 13 low bits
// of the result are zero). NaN and infinity pass unchanged; a finite value may round up to infinity.
inline uint32_t cvt_rna_tf32(float x) {
    uint32_t bits;
    std::memcpy(&bits, &x, 4);
    if ((bits & 0x7f800000u) == 0x7f800000u) return bits;  // inf or NaN
    const uint32_t sign = bits & 0x80000000u;
    uint32_t magnitude = bits & 0x7fffffffu;
    magnitude = (magnitude + 0x1000u) & ~0x1fffu;  // + half of the dropped unit: ties go away from zero
    return sign | magnitude;
}

// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32, D = A·B + C for one warp, from the PTX ISA's fragment
// table for .tf32 ("Matrix Fragments for mma.m16n8k8"), with g = lane / 4, t = lane % 4:
//   A (16×8): a0 = A(g, t), a1 = A(g + 8, t), a2 = A(g, t + 4), a3 = A(g + 8, t + 4)
//   B (8×8):  b0 = B(t, g), b1 = B(t + 4, g)
//   C, D (16×8): c0 = (g, 2t), c1 = (g, 2t + 1), c2 = (g + 8, 2t), c3 = (g + 8, 2t + 1)
// Every lane hands in its fragments; after the warp meets, each lane computes its own four D elements from the
// gathered 16×8 A and 8×8 B (operands read as the hardware does: the low 13 bits of each ignored). Each product
// of two TF32 values is exact; they are added to C in blocks of 4 as the tensor cores do, per published
// measurements: terms aligned to the largest exponent, the bits below its 24-bit significand truncated, the sum
// truncated to float (gcl_emulation.cpp, fused_block).
void mma_m16n8k8_tf32(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]);

// cp.async.{ca,cg}.shared.global [dst], [src], cp_size, src_size (PTX ISA 7.0, sm_80): an asynchronous copy of
// cp_size bytes (4, 8 or 16; .cg only 16) from global to shared memory, of which the first src_size are read from
// src and the rest are zeros. Both addresses must be aligned to cp_size (else the launch fails: "misaligned
// address"). The emulation is a legal execution chosen to expose a missing wait or barrier:
//   - at issue, src_size bytes are read from src (an address outside every allocation faults here, in this
//     thread) and kept in a per-thread record; the cp_size destination bytes are overwritten with 0xff (a NaN
//     in every float), the "undefined until complete" content a reader may see on the device;
//   - the copy lands (record → shared memory, zero tail) only when this thread's cp_async_wait_group makes its
//     group complete, or when the thread returns from the kernel.
// So a thread that reads a stage before waiting for it, or before the barrier that follows the other threads'
// waits, reads NaN; a thread that overwrites a stage another thread still reads poisons it at once.
void cp_async(void* dst, const void* src, int cp_size, int src_size, bool cache_global);
// cp.async.commit_group: the copies this thread issued since its last commit become one group (possibly empty).
void cp_async_commit_group();
// cp.async.wait_group n: every group of this thread except the newest n is complete (its copies land, oldest
// first). Uncommitted copies stay pending. cp.async.wait_all is commit_group + wait_group 0.
void cp_async_wait_group(int n);
// ldmatrix.sync.aligned.m8n8.x{1,2,4}.shared.b16 (PTX ISA 6.5, sm_75; "Warp-level matrix load instruction:
// ldmatrix"): the warp loads `matrices` (1, 2 or 4) 8×8 matrices of 16-bit elements, each row 16 contiguous bytes
// anywhere in shared memory. Lanes 8i .. 8i + 7 supply the row addresses of matrix i (rows 0..7; the other lanes'
// addresses are ignored: lanes 8..31 for .x1, 16..31 for .x2); lane l receives in its register i row l / 4 of
// matrix i, elements 2·(l % 4) and 2·(l % 4) + 1 (the 32 bits at byte 4·(l % 4) of that row). A row address not
// 16-byte aligned fails the launch ("misaligned address"). Every lane of the warp must take part (.sync.aligned):
// the lanes meet, then each reads its registers through the addresses the others supplied.
void ldmatrix_b16(uint32_t* d, int matrices, const void* row_address);
}  // namespace gcl_emu

inline void __syncthreads() { gcl_emu::syncthreads(); }

// __shfl_xor_sync: every lane of the warp (mask must be full: the kernels only use 0xffffffff) exchanges v with
// lane ^ offset.
template <typename T>
inline T __shfl_xor_sync(unsigned int mask, T v, int offset) {
    static_assert(sizeof(T) <= 16, "a shuffled value fits a slot");
    (void)mask;
    unsigned char (*slots)[16] = static_cast<unsigned char (*)[16]>(gcl_emu::warp_slots());
    const int lane = gcl_emu::lane_id();
    gcl_emu::warp_sync();  // the slots are free: every lane is done with the previous exchange
    std::memcpy(slots[lane], &v, sizeof(T));
    gcl_emu::warp_sync();  // every lane has written
    T other;
    std::memcpy(&other, slots[(lane ^ offset) & 31], sizeof(T));
    return other;
}

inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline unsigned int __umulhi(unsigned int a, unsigned int b) {
    return (unsigned int)(((unsigned long long)a * b) >> 32);
}
inline float __int_as_float(int i) {
    float f;
    std::memcpy(&f, &i, 4);
    return f;
}
inline int __float_as_int(float f) {
    int i;
    std::memcpy(&i, &f, 4);
    return i;
}
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }
using std::fmaxf;
using std::fminf;
using std::isfinite;

#endif  // GCL_CUDA_EMULATION_H
