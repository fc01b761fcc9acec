// The execution engine of the stand-in: blocks one after another; the threads of a block as fibers (user-space
// contexts, switched only at barriers) meeting at real barriers; warps meeting for their shuffles and mma's;
// cp.async copies queued per thread until its wait_group; kernel faults turned into an error.
#include "gcl_cuda_emulation.h"
#include "gcl_emulation_runtime.h"

#include <cmath>
#include <csetjmp>
#include <cstring>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <string>
#include <sys/mman.h>
#include <vector>

uint3 threadIdx;
uint3 blockIdx;
dim3 blockDim;
dim3 gridDim;

namespace gcl_emu {
namespace {

constexpr int kMaxThreads = 1024;
constexpr int kWarps = kMaxThreads / 32;
constexpr size_t kStackBytes = 256 * 1024;

// Switches stacks: saves the callee-saved registers, the SSE and x87 control words and the stack pointer into
// *from, and resumes the context whose stack pointer is `to` (System V x86-64).
extern "C" void gcl_emu_switch(void** from, void* to);
asm(R"(
    .text
    .globl gcl_emu_switch
    .type gcl_emu_switch, @function
gcl_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size gcl_emu_switch, .-gcl_emu_switch
)");

// What a thread of the block is doing.
enum class State { Runnable, AtBlockBarrier, AtWarpBarrier, Done };

struct Fiber {
    void* sp = nullptr;        // saved stack pointer while switched out
    unsigned char* stack = nullptr;
    State state = State::Done;
    uint3 idx;
};

// The launch in progress (one at a time: the driver holds its lock around run_kernel).
struct Launch {
    const KernelEntry* kernel;
    void** args;
    LaunchShape shape;
    int threads;
    bool failed = false;
    std::string error;
};

Launch* current = nullptr;
Fiber fibers[kMaxThreads];
void* scheduler_sp = nullptr;
int running = -1;  // the fiber now running
unsigned char warp_slot_memory[kWarps][32][16];
MmaExchange warp_mma_memory[kWarps];

// cp.async: per thread, the copies issued and not landed yet, in issue order (committed ones first, since a
// commit takes every copy issued before it), each with its group number or kOpenGroup before its commit.
constexpr unsigned long long kOpenGroup = ~0ull;
struct CpAsyncCopy {
    unsigned char* dst;
    unsigned char data[16];  // the src_size bytes read at issue
    int cpSize, srcSize;
    unsigned long long group;
};
struct CpAsyncQueue {
    std::vector<CpAsyncCopy> pending;
    unsigned long long committed = 0;  // groups committed so far (group numbers 0, 1, ...)
};
CpAsyncQueue cp_async_queues[kMaxThreads];

// Dynamic shared memory: one mapping, remade when a launch asks for another size, the data ending against its
// guard page.
struct DynamicShared {
    void* region = nullptr;
    size_t regionBytes = 0;
    unsigned char* data = nullptr;
    size_t bytes = 0;
};
DynamicShared dynamic_shared_memory;
unsigned char* dynamic_shared_now = nullptr;  // the running launch's: nullptr when it asked for none

void prepare_dynamic_shared(size_t bytes) {
    DynamicShared& d = dynamic_shared_memory;
    dynamic_shared_now = nullptr;
    if (bytes == 0) return;
    if (bytes != d.bytes) {
        if (d.region != nullptr) munmap(d.region, d.regionBytes);
        const size_t page = 4096, rounded = (bytes + 15) / 16 * 16;  // a 16-byte aligned start
        const size_t dataPages = (rounded + page - 1) / page;
        d.regionBytes = (dataPages + 1) * page;
        d.region = mmap(nullptr, d.regionBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (d.region == MAP_FAILED) std::abort();
        unsigned char* guard = static_cast<unsigned char*>(d.region) + dataPages * page;
        mprotect(guard, page, PROT_NONE);
        d.data = guard - rounded;
        d.bytes = bytes;
    }
    std::memset(d.data, 0xff, bytes);  // undefined content: NaN in every float
    dynamic_shared_now = d.data;
}

sigjmp_buf fault_jump[kMaxThreads];  // sigsetjmp returns 1 for a fault, 2 for a trap (trap_message)
std::string trap_message;
volatile sig_atomic_t in_kernel = 0;
pthread_t kernel_thread;  // the thread running the launch (the JVM's other threads fault for reasons of their own)
const void* fault_address = nullptr;
struct sigaction previous_segv, previous_bus;

void fail(Launch& L, const std::string& why) {
    if (!L.failed) {
        L.failed = true;
        L.error = why;
    }
}

void on_fault(int sig, siginfo_t* info, void* context) {
    if (in_kernel && running >= 0 && pthread_equal(pthread_self(), kernel_thread)) {
        in_kernel = 0;
        fault_address = info->si_addr;
        siglongjmp(fault_jump[running], 1);
    }
    // not a kernel of ours: whoever handled it before (the JVM) decides
    struct sigaction& prev = sig == SIGSEGV ? previous_segv : previous_bus;
    if (prev.sa_flags & SA_SIGINFO) {
        prev.sa_sigaction(sig, info, context);
    } else if (prev.sa_handler == SIG_IGN) {
        return;
    } else if (prev.sa_handler == SIG_DFL) {
        signal(sig, SIG_DFL);
        raise(sig);
    } else {
        prev.sa_handler(sig);
    }
}

void install_fault_handler() {
    static std::once_flag once;
    std::call_once(once, [] {
        struct sigaction sa = {};
        sa.sa_sigaction = on_fault;
        sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_RESTART;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGSEGV, &sa, &previous_segv);
        sigaction(SIGBUS, &sa, &previous_bus);
    });
}

// Ends the running thread's kernel with an error (a misuse the device would fault on), like a fault does.
[[noreturn]] void trap(const std::string& why) {
    trap_message = why;
    in_kernel = 0;
    siglongjmp(fault_jump[running], 2);
}

// Lands fiber i's pending copies of groups below `group` (all when kOpenGroup), oldest first: the src_size bytes
// read at issue, then zeros up to cp_size.
void cp_async_land(int i, unsigned long long group) {
    std::vector<CpAsyncCopy>& pending = cp_async_queues[i].pending;
    size_t landed = 0;
    while (landed < pending.size() && (group == kOpenGroup || pending[landed].group < group)) {
        const CpAsyncCopy& c = pending[landed++];
        std::memcpy(c.dst, c.data, (size_t)c.srcSize);
        std::memset(c.dst + c.srcSize, 0, (size_t)(c.cpSize - c.srcSize));
    }
    pending.erase(pending.begin(), pending.begin() + (long)landed);
}

// Back to the scheduler; returns when the scheduler resumes this fiber.
void yield_to_scheduler() {
    const int me = running;
    gcl_emu_switch(&fibers[me].sp, scheduler_sp);
}

// The body of every fiber: one thread of the current block, from the kernel's start to its return (or fault).
void fiber_main() {
    const int me = running;
    Launch& L = *current;
    const int jumped = sigsetjmp(fault_jump[me], 1);
    if (jumped == 0) {
        in_kernel = 1;
        L.kernel->invoke(L.args);
        cp_async_land(me, kOpenGroup);  // copies never waited for complete anyway (no one can read them now)
        in_kernel = 0;
    } else {
        char where[160];
        std::snprintf(where, sizeof where, "kernel %s, block (%u, %u, %u), thread (%u, %u, %u): ", L.kernel->name,
                      blockIdx.x, blockIdx.y, blockIdx.z, threadIdx.x, threadIdx.y, threadIdx.z);
        const uintptr_t guard = (uintptr_t)dynamic_shared_memory.data + (dynamic_shared_memory.bytes + 15) / 16 * 16;
        const bool pastShared = dynamic_shared_now != nullptr && (uintptr_t)fault_address >= guard &&
                                (uintptr_t)fault_address < guard + 4096;
        const std::string what = jumped == 2 ? trap_message
                                 : pastShared ? "illegal address: past the end of the launch's dynamic shared memory"
                                              : describe_address(fault_address);
        fail(L, std::string(where) + what);
    }
    fibers[running].state = State::Done;
    gcl_emu_switch(&fibers[running].sp, scheduler_sp);  // never resumed
    std::abort();
}

// A fresh context for fiber i that starts in fiber_main.
void prepare_fiber(int i) {
    Fiber& f = fibers[i];
    if (f.stack == nullptr) {
        f.stack = static_cast<unsigned char*>(
            mmap(nullptr, kStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
        if (f.stack == MAP_FAILED) std::abort();
    }
    uintptr_t top = (uintptr_t)(f.stack + kStackBytes) & ~(uintptr_t)15;
    uint64_t* sp = reinterpret_cast<uint64_t*>(top);
    *--sp = 0;                          // fiber_main's "return address" slot: rsp % 16 == 8 at its entry
    *--sp = (uint64_t)&fiber_main;      // where gcl_emu_switch's ret goes
    for (int r = 0; r < 6; r++) *--sp = 0;  // rbp, rbx, r12..r15
    *--sp = 0;
    uint32_t mxcsr;
    uint16_t fpucw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    std::memcpy(sp, &mxcsr, 4);
    std::memcpy(reinterpret_cast<unsigned char*>(sp) + 4, &fpucw, 2);
    f.sp = sp;
    f.state = State::Runnable;
    cp_async_queues[i].pending.clear();
    cp_async_queues[i].committed = 0;
}

// Runs one block: every thread as a fiber, round robin, each until it returns or waits at a barrier. Odd blocks go
// round in reverse thread order, so a read of another thread's shared-memory write without a barrier between them
// sees the stale value in one order or the other, whichever thread comes first in the source. When every
// thread still in the kernel waits at __syncthreads they all go on; when every lane of a warp still in the kernel
// waits at a warp operation, those lanes go on. Threads waiting at different kinds of barrier with nothing left
// to run is a divergent barrier: the launch fails (the device would hang or misbehave).
void run_block(Launch& L, bool reverse) {
    const LaunchShape& s = L.shape;
    for (int i = 0; i < L.threads; i++) {
        prepare_fiber(i);
        fibers[i].idx = {i % s.block[0], (i / s.block[0]) % s.block[1], i / (s.block[0] * s.block[1])};
    }
    for (;;) {
        bool ran = false;
        for (int k = 0; k < L.threads; k++) {
            const int i = reverse ? L.threads - 1 - k : k;
            if (fibers[i].state != State::Runnable) continue;
            ran = true;
            running = i;
            threadIdx = fibers[i].idx;
            gcl_emu_switch(&scheduler_sp, fibers[i].sp);
            running = -1;
        }
        if (ran) continue;
        // nobody runnable: release whichever barriers are complete
        bool released = false;
        bool anyAtBlock = false, allDoneOrAtBlock = true;
        for (int i = 0; i < L.threads; i++) {
            if (fibers[i].state == State::AtBlockBarrier) anyAtBlock = true;
            if (fibers[i].state == State::AtWarpBarrier) allDoneOrAtBlock = false;
        }
        if (anyAtBlock && allDoneOrAtBlock) {
            for (int i = 0; i < L.threads; i++) {
                if (fibers[i].state == State::AtBlockBarrier) fibers[i].state = State::Runnable;
            }
            released = true;
        }
        for (int w = 0; w * 32 < L.threads; w++) {
            const int end = w * 32 + 32 < L.threads ? w * 32 + 32 : L.threads;
            bool anyAtWarp = false, complete = true;
            for (int i = w * 32; i < end; i++) {
                if (fibers[i].state == State::AtWarpBarrier) anyAtWarp = true;
                else if (fibers[i].state != State::Done) complete = false;
            }
            if (anyAtWarp && complete) {
                for (int i = w * 32; i < end; i++) {
                    if (fibers[i].state == State::AtWarpBarrier) fibers[i].state = State::Runnable;
                }
                released = true;
            }
        }
        if (released) continue;
        bool allDone = true;
        for (int i = 0; i < L.threads; i++) allDone &= fibers[i].state == State::Done;
        if (allDone) return;
        fail(L, std::string("kernel ") + L.kernel->name + ": threads wait at different barriers (a __syncthreads "
                                                         "or warp operation not reached by all threads)");
        return;  // the waiting fibers are abandoned; their stacks are reset by the next prepare_fiber
    }
}

}  // namespace

void syncthreads() {
    fibers[running].state = State::AtBlockBarrier;
    in_kernel = 0;
    yield_to_scheduler();
    in_kernel = 1;
}

void warp_sync() {
    fibers[running].state = State::AtWarpBarrier;
    in_kernel = 0;
    yield_to_scheduler();
    in_kernel = 1;
}

void* dynamic_shared() {
    return dynamic_shared_now;
}

void* warp_slots() {
    return warp_slot_memory[running / 32];
}

MmaExchange* warp_mma() {
    return &warp_mma_memory[running / 32];
}

int lane_id() {
    return running % 32;
}

void cp_async(void* dst, const void* src, int cp_size, int src_size, bool cache_global) {
    char why[200];
    if (!(cp_size == 4 || cp_size == 8 || cp_size == 16) || (cache_global && cp_size != 16) || src_size < 0 ||
        src_size > cp_size) {
        std::snprintf(why, sizeof why, "cp.async.%s with cp-size %d, src-size %d: not a valid copy",
                      cache_global ? "cg" : "ca", cp_size, src_size);
        trap(why);
    }
    if ((uintptr_t)dst % (uintptr_t)cp_size != 0 || (uintptr_t)src % (uintptr_t)cp_size != 0) {
        std::snprintf(why, sizeof why, "cp.async of %d bytes: misaligned address (shared 0x%llx, global 0x%llx)",
                      cp_size, (unsigned long long)(uintptr_t)dst, (unsigned long long)(uintptr_t)src);
        trap(why);
    }
    CpAsyncCopy c;
    c.dst = static_cast<unsigned char*>(dst);
    c.cpSize = cp_size;
    c.srcSize = src_size;
    c.group = kOpenGroup;
    if (src_size > 0) std::memcpy(c.data, src, (size_t)src_size);  // faults here when src is outside memory
    std::memset(dst, 0xff, (size_t)cp_size);                       // undefined until it lands: NaN
    cp_async_queues[running].pending.push_back(c);
}

void cp_async_commit_group() {
    CpAsyncQueue& q = cp_async_queues[running];
    for (CpAsyncCopy& c : q.pending) {
        if (c.group == kOpenGroup) c.group = q.committed;
    }
    q.committed++;
}

void cp_async_wait_group(int n) {
    CpAsyncQueue& q = cp_async_queues[running];
    if (n < 0) trap("cp.async.wait_group with a negative count");
    if ((unsigned long long)n < q.committed) cp_async_land(running, q.committed - (unsigned long long)n);
}

void ldmatrix_b16(uint32_t* d, int matrices, const void* row_address) {
    if (matrices != 1 && matrices != 2 && matrices != 4) trap("ldmatrix with a matrix count other than 1, 2 or 4");
    const void** slots = static_cast<const void**>(warp_slots());  // 16-byte slots: one pointer per lane
    const int lane = lane_id();
    warp_sync();  // the slots are free: every lane is done with the previous exchange
    slots[2 * lane] = row_address;
    warp_sync();  // every lane has supplied its row address
    for (int i = 0; i < matrices; i++) {
        const unsigned char* row = static_cast<const unsigned char*>(slots[2 * (8 * i + lane / 4)]);
        if ((uintptr_t)row % 16 != 0) {
            char why[160];
            std::snprintf(why, sizeof why, "ldmatrix: misaligned address (row %d of matrix %d at 0x%llx)", lane / 4,
                          i, (unsigned long long)(uintptr_t)row);
            trap(why);
        }
        std::memcpy(&d[i], row + 4 * (lane % 4), 4);
    }
}

// The tf32 value of an operand register: the tensor core reads the sign, the exponent and the top 10 mantissa bits
// and ignores the low 13 (cvt.rna.tf32.f32 leaves them zero; a raw float would be truncated).
static float tf32_value(uint32_t bits) {
    bits &= ~0x1fffu;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// Products of tf32 operands fused with the accumulator per block, as measured on NVIDIA tensor cores (Fasi,
// Higham, Mikaitis, Pranesh, "Numerical behavior of NVIDIA tensor cores", PeerJ Computer Science 7:e330, 2021):
// the products are exact; the terms of one fused addition (the block's products and the accumulator) are aligned
// to the largest exponent among them and the bits below the 24-bit significand at that exponent are cut off
// (truncation); the aligned terms are added without further loss and the sum is normalized and truncated to FP32
// (round toward zero). How many products one fused addition takes differs by GPU and format; this model uses
// blocks of kMmaBlock (4), the two blocks of one m16n8k8 k step in ascending k. ParityTolerances' TF32 bound
// holds for any block size (its derivation budgets the worst case, one product per block).
constexpr int kMmaBlock = 4;

// 2^p as a double, for |p| < 1000 (built from its exponent field: the stand-in runs this per product).
static double power_of_two(int p) {
    const uint64_t bits = (uint64_t)(1023 + p) << 52;
    double d;
    std::memcpy(&d, &bits, 8);
    return d;
}
// The sum rounded to FP32 toward zero.
static float round_toward_zero(double s) {
    float f = (float)s;
    if (std::isfinite(f) && std::fabs((double)f) > std::fabs(s)) f = std::nextafter(f, 0.0f);
    return f;
}

// c + Σ p[0..n) as one fused addition of the tensor core (see kMmaBlock).
static float fused_block(float c, const double* p, int n) {
    double terms[kMmaBlock + 1];
    terms[0] = c;
    for (int k = 0; k < n; k++) terms[k + 1] = p[k];
    double largest = 0;
    bool finite = true;
    for (int k = 0; k <= n; k++) {
        if (!std::isfinite(terms[k])) finite = false;
        largest = std::fmax(largest, std::fabs(terms[k]));
    }
    double sum = 0;
    if (!finite || largest == 0) {  // infinities and NaN as IEEE addition gives them; zeros keep their sign rules
        for (int k = 0; k <= n; k++) sum += terms[k];
        return (float)sum;
    }
    uint64_t bits;
    std::memcpy(&bits, &largest, 8);
    const int e = (int)((bits >> 52) & 0x7ff) - 1023;  // the largest term's exponent (every term is a normal double)
    const double scale = power_of_two(23 - e), unit = power_of_two(e - 23);
    // each term cut to a multiple of 2^(e - 23) toward zero (|term|·scale < 2^24: exact, and an int64 truncates);
    // the sum of the cut terms is exact (multiples of 2^(e - 23) below 2^(e + 4))
    for (int k = 0; k <= n; k++) sum += (double)(int64_t)(terms[k] * scale) * unit;
    return round_toward_zero(sum);
}

void mma_m16n8k8_tf32(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2]) {
    MmaExchange& x = *warp_mma();
    const int lane = lane_id();
    warp_sync();  // every lane is done reading the previous exchange
    for (int r = 0; r < 4; r++) x.a[lane][r] = a[r];
    for (int r = 0; r < 2; r++) x.b[lane][r] = b[r];
    for (int r = 0; r < 4; r++) x.c[lane][r] = d[r];
    warp_sync();  // every lane has handed in its fragments
    // the operands, placed from each lane's fragments by the PTX ISA table
    double A[16][8], B[8][8], C[16][8];
    for (int l = 0; l < 32; l++) {
        const int g = l / 4, t = l % 4;
        A[g][t] = tf32_value(x.a[l][0]);
        A[g + 8][t] = tf32_value(x.a[l][1]);
        A[g][t + 4] = tf32_value(x.a[l][2]);
        A[g + 8][t + 4] = tf32_value(x.a[l][3]);
        B[t][g] = tf32_value(x.b[l][0]);
        B[t + 4][g] = tf32_value(x.b[l][1]);
        C[g][2 * t] = x.c[l][0];
        C[g][2 * t + 1] = x.c[l][1];
        C[g + 8][2 * t] = x.c[l][2];
        C[g + 8][2 * t + 1] = x.c[l][3];
    }
    const int g = lane / 4, t = lane % 4;
    const int rows[4] = {g, g, g + 8, g + 8}, cols[4] = {2 * t, 2 * t + 1, 2 * t, 2 * t + 1};
    for (int r = 0; r < 4; r++) {
        double products[8];  // exact: 11 × 11 significant bits
        for (int k = 0; k < 8; k++) products[k] = A[rows[r]][k] * B[k][cols[r]];
        float acc = (float)C[rows[r]][cols[r]];
        for (int k0 = 0; k0 < 8; k0 += kMmaBlock) acc = fused_block(acc, products + k0, kMmaBlock);
        d[r] = acc;
    }
}

std::string run_kernel(const KernelEntry& kernel, const LaunchShape& shape, void** args) {
    install_fault_handler();
    Launch launch;
    launch.kernel = &kernel;
    launch.args = args;
    launch.shape = shape;
    launch.threads = (int)(shape.block[0] * shape.block[1] * shape.block[2]);
    current = &launch;
    kernel_thread = pthread_self();
    prepare_dynamic_shared(shape.dynamicSharedBytes);
    blockDim = {shape.block[0], shape.block[1], shape.block[2]};
    gridDim = {shape.grid[0], shape.grid[1], shape.grid[2]};
    for (unsigned int bz = 0; bz < shape.grid[2] && !launch.failed; bz++) {
        for (unsigned int by = 0; by < shape.grid[1] && !launch.failed; by++) {
            for (unsigned int bx = 0; bx < shape.grid[0] && !launch.failed; bx++) {
                blockIdx = {bx, by, bz};
                const unsigned long long linear = bx + (unsigned long long)shape.grid[0] * (by + (unsigned long long)shape.grid[1] * bz);
                run_block(launch, linear % 2 == 1);  // the device stops the grid at a fault too
            }
        }
    }
    current = nullptr;
    return launch.failed ? launch.error : std::string();
}

}  // namespace gcl_emu
