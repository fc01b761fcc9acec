// Inline-PTX helpers of the TF32 GEMMs (kernels/dense_tf32.cu, kernels/dense_tf32_big.cu): the conversion to
// tf32, the m16n8k8 tensor-core product and the cp.async copies from global to shared memory (all sm_80+, PTX ISA
// 7.0+; GCL_TF32_ARCH says whether a pass has them). On the host (the stand-in driver of native-build/standin, GCL_HOST_EMULATION) each has an emulated twin
// in gcl_cuda_emulation.h, written from the PTX ISA, not from the kernels (docs/gpu-emulation.md).
#ifndef GCL_TF32_CUH
#define GCL_TF32_CUH

#include <stdint.h>

// GCL_TF32_ARCH: 1 where this compilation has the instructions below (device code for sm_80 and newer; the host
// emulation), 0 in the sm_75 pass. Every TF32 entry point's body is "#if GCL_TF32_ARCH ... #else __trap(); #endif":
// for sm_75 (Turing, CC 7.5: no tf32 mma, cvt.rna.tf32, cp.async) those kernels exist, so that the module holds
// every name the host resolves, but trap; the host refuses TF32 below CC 8.0 and never launches them there. The
// helpers below are not guarded: used by any other sm_75 code they reach ptxas -arch=sm_75, which rejects them, and
// the build fails (native-build/build-kernels.sh).
#if defined(GCL_HOST_EMULATION) || !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
#define GCL_TF32_ARCH 1
#else
#define GCL_TF32_ARCH 0
#endif

// cvt.rna.tf32.f32: round to nearest, ties away from zero, to 10 mantissa bits (the low 13 bits zero).
__device__ __forceinline__ uint32_t gcl_to_tf32(float x) {
#if defined(GCL_HOST_EMULATION)
    return gcl_emu::cvt_rna_tf32(x);
#else
    uint32_t r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return r;
#endif
}

// cvt.rna.tf32.f32 of a float held as its bits (a fragment register as ldmatrix or a 32-bit shared load brings it).
__device__ __forceinline__ uint32_t gcl_to_tf32_bits(uint32_t bits) {
#if defined(GCL_HOST_EMULATION)
    float x;
    std::memcpy(&x, &bits, 4);
    return gcl_emu::cvt_rna_tf32(x);
#else
    return gcl_to_tf32(__uint_as_float(bits));
#endif
}

// d += a·b for one 16×8×8 tile (mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32).
__device__ __forceinline__ void gcl_mma_tf32(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
#if defined(GCL_HOST_EMULATION)
    gcl_emu::mma_m16n8k8_tf32(d, a, b);
#else
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 "
        "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

// ldmatrix.sync.aligned.m8n8.x{N}.shared.b16: this lane supplies the address of one 16-byte row (lanes 8i ..
// 8i + 7: rows 0..7 of matrix i) and receives in d[i] the 32 bits at byte 4·(lane % 4) of row lane / 4 of matrix i.
// For tf32 data, 4 elements a row: an 8×4 tile whose element (lane / 4, lane % 4) lands in this lane, which is the
// m16n8k8 fragment layout of A (a0..a3 from 4 matrices) and of a k-contiguous B (b0, b1 from 2). Rows 16-byte
// aligned; every lane of the warp takes part.
template <int N>
__device__ __forceinline__ void gcl_ldmatrix(uint32_t (&d)[N], const float* row) {
    static_assert(N == 1 || N == 2 || N == 4, "ldmatrix loads 1, 2 or 4 matrices");
#if defined(GCL_HOST_EMULATION)
    gcl_emu::ldmatrix_b16(d, N, row);
#else
    const unsigned s = (unsigned)__cvta_generic_to_shared(row);
    if constexpr (N == 1) {
        asm volatile("ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [%1];\n" : "=r"(d[0]) : "r"(s));
    } else if constexpr (N == 2) {
        asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0, %1}, [%2];\n" : "=r"(d[0]), "=r"(d[1]) : "r"(s));
    } else {
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
                     : "=r"(d[0]), "=r"(d[1]), "=r"(d[2]), "=r"(d[3])
                     : "r"(s));
    }
#endif
}

// cp.async.cg.shared.global [dst], [src], 16, srcBytes: copies 16 bytes, the first srcBytes (0..16) from src, the
// rest zeros; nothing is read when srcBytes is 0. dst and src must be 16-byte aligned (src even when srcBytes is 0).
// .cg: cached in L2 only (each element of a tile is fetched by one block once per k slice).
__device__ __forceinline__ void gcl_cp_async16(float* dst, const float* src, int srcBytes) {
#if defined(GCL_HOST_EMULATION)
    gcl_emu::cp_async(dst, src, 16, srcBytes, true);
#else
    const unsigned s = (unsigned)__cvta_generic_to_shared(dst);
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(src), "r"(srcBytes) : "memory");
#endif
}

// cp.async.ca.shared.global [dst], [src], 4, srcBytes (srcBytes 0 or 4): one float, or a zero. 4-byte aligned.
__device__ __forceinline__ void gcl_cp_async4(float* dst, const float* src, int srcBytes) {
#if defined(GCL_HOST_EMULATION)
    gcl_emu::cp_async(dst, src, 4, srcBytes, false);
#else
    const unsigned s = (unsigned)__cvta_generic_to_shared(dst);
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4, %2;\n" ::"r"(s), "l"(src), "r"(srcBytes) : "memory");
#endif
}

// cp.async.commit_group: this thread's copies issued since its last commit become one group (possibly empty).
__device__ __forceinline__ void gcl_cp_async_commit() {
#if defined(GCL_HOST_EMULATION)
    gcl_emu::cp_async_commit_group();
#else
    asm volatile("cp.async.commit_group;\n" ::: "memory");
#endif
}

// cp.async.wait_group N: waits until at most the newest N of this thread's groups are pending. Other threads'
// copies become visible only through a barrier after their own waits.
template <int N>
__device__ __forceinline__ void gcl_cp_async_wait() {
#if defined(GCL_HOST_EMULATION)
    gcl_emu::cp_async_wait_group(N);
#else
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
#endif
}

#endif  // GCL_TF32_CUH
