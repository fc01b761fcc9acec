// The execution engine of the stand-in: blocks one after another, the threads of a block as real OS threads
// meeting at real barriers, warps meeting for their shuffles and mma's, kernel faults turned into an error.
#include "gcl_cuda_emulation.h"
#include "gcl_emulation_runtime.h"

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <climits>
#include <linux/futex.h>
#include <pthread.h>
#include <string>
#include <sys/syscall.h>
#include <unistd.h>

thread_local uint3 threadIdx;
thread_local uint3 blockIdx;
dim3 blockDim;
dim3 gridDim;

namespace gcl_emu {
namespace {

constexpr int kMaxThreads = 1024;

// Sleeping in the kernel, never spinning: the threads of a block outnumber the cores many times over (std::atomic
// wait spins and yields first, which starves everything else on a 2-core machine).
void futex_wait(std::atomic<uint32_t>& word, uint32_t value) {
    while (word.load(std::memory_order_acquire) == value) {
        syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, value, nullptr, nullptr, 0);
    }
}

void futex_wake(std::atomic<uint32_t>& word, int count) {
    syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
}
constexpr int kWarps = kMaxThreads / 32;

// A reusable barrier: waits for `expected` arrivals; a thread that leaves the kernel early drops out (the device
// counts an exited thread as arrived). The last arrival may run a completion step before anyone is released.
class Barrier {
  public:
    void reset(int n) {
        expected_ = n;
        arrived_ = 0;
    }

    template <class Completion>
    void arrive_and_wait(Completion&& completion) {
        uint32_t g;
        {
            std::lock_guard<std::mutex> lock(m_);
            g = generation_.load(std::memory_order_relaxed);
            if (++arrived_ == expected_) {
                completion();
                release(g);
                return;
            }
        }
        futex_wait(generation_, g);
    }

    void arrive_and_wait() {
        arrive_and_wait([] {});
    }

    void drop() {
        std::lock_guard<std::mutex> lock(m_);
        --expected_;
        if (expected_ > 0 && arrived_ == expected_) release(generation_.load(std::memory_order_relaxed));
    }

  private:
    void release(uint32_t g) {  // under m_
        arrived_ = 0;
        generation_.store(g + 1, std::memory_order_release);
        futex_wake(generation_, INT_MAX);
    }

    std::mutex m_;
    int expected_ = 0;
    int arrived_ = 0;
    std::atomic<uint32_t> generation_{0};
};

// The launch in progress (one at a time: the driver holds its lock around run_kernel).
struct Launch {
    const KernelEntry* kernel;
    void** args;
    LaunchShape shape;
    int threads;
    int index;                               // in the kernel table
    bool independent = false;                // set by block 0's end: see run_thread
    std::atomic<bool> barrier_seen{false};
    std::atomic<bool> failed{false};
    std::string error;  // the first fault, under error_lock
    std::mutex error_lock;
};

Launch* current = nullptr;

void fail(Launch& L, const std::string& why) {
    std::lock_guard<std::mutex> lock(L.error_lock);
    if (!L.failed.exchange(true)) L.error = why;
}

// A barrier or warp operation: noted; in a launch already judged independent it cannot be honoured.
bool meet_allowed() {
    Launch& L = *current;
    L.barrier_seen.store(true, std::memory_order_relaxed);
    if (!L.independent) return true;
    fail(L, std::string("kernel ") + L.kernel->name + " reached a barrier or warp operation after block 0 ran "
                                                    "without one: the stand-in cannot run it (no barrier in block 0)");
    return false;
}
Barrier block_barrier;          // __syncthreads
Barrier block_end;              // every thread done with a block: the next may start
Barrier warp_barriers[kWarps];  // warp-level operations
unsigned char warp_slot_memory[kWarps][32][16];
MmaExchange warp_mma_memory[kWarps];

thread_local int t_thread = -1;  // linear thread index in the block, -1 outside workers
thread_local int t_warp = 0, t_lane = 0;
thread_local sigjmp_buf t_fault_jump;
thread_local volatile sig_atomic_t t_in_kernel = 0;
thread_local const void* t_fault_address = nullptr;

struct sigaction previous_segv, previous_bus;

void on_fault(int sig, siginfo_t* info, void* context) {
    if (t_in_kernel) {
        t_in_kernel = 0;
        t_fault_address = info->si_addr;
        siglongjmp(t_fault_jump, 1);
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

// Resets the per-block barriers for a block of n threads.
void reset_block_barriers(int n) {
    block_barrier.reset(n);
    for (int w = 0; w * 32 < n; w++) warp_barriers[w].reset(n - w * 32 < 32 ? n - w * 32 : 32);
}

// Kernels seen to use a barrier or warp operation (by kernel table index): always run block by block.
bool known_cooperative[256];

// One thread of the block, through every block of the grid. Block 0 always runs as a block: its threads start
// together, and the next block starts only when all of them are done (shared memory is one copy). If no thread of
// block 0 met a barrier or a warp operation, and the kernel never did in an earlier launch, its threads are
// independent: each worker then runs its thread of the remaining blocks without waiting for the others (one
// wake-up per launch instead of one per block). A barrier reached in that mode fails the launch loudly.
void run_thread(int t) {
    Launch& L = *current;
    const LaunchShape& s = L.shape;
    t_thread = t;
    t_warp = t / 32;
    t_lane = t % 32;
    threadIdx = {t % s.block[0], (t / s.block[0]) % s.block[1], t / (s.block[0] * s.block[1])};
    const unsigned long long blocks = (unsigned long long)s.grid[0] * s.grid[1] * s.grid[2];
    for (unsigned long long b = 0; b < blocks; b++) {
        const unsigned int bx = (unsigned int)(b % s.grid[0]), by = (unsigned int)((b / s.grid[0]) % s.grid[1]);
        const unsigned int bz = (unsigned int)(b / ((unsigned long long)s.grid[0] * s.grid[1]));
        blockIdx = {bx, by, bz};
        if (sigsetjmp(t_fault_jump, 1) == 0) {
            t_in_kernel = 1;
            L.kernel->invoke(L.args);
            t_in_kernel = 0;
        } else {
            char where[160];
            std::snprintf(where, sizeof where, "kernel %s, block (%u, %u, %u), thread (%u, %u, %u): ",
                          L.kernel->name, bx, by, bz, threadIdx.x, threadIdx.y, threadIdx.z);
            fail(L, std::string(where) + describe_address(t_fault_address));
        }
        if (!L.independent) {
            // returned (or faulted): the others no longer wait for this thread at barriers
            block_barrier.drop();
            warp_barriers[t_warp].drop();
            block_end.arrive_and_wait([&] {
                reset_block_barriers(L.threads);
                if (L.barrier_seen.load()) known_cooperative[L.index] = true;
                L.independent = !known_cooperative[L.index];
            });
        }
        if (L.failed.load()) return;  // the device stops the grid at a fault too
    }
}

// The worker pool: worker i runs thread i of each launch; created on demand, never destroyed.
struct Worker {
    std::atomic<uint32_t> go{0};
    pthread_t thread;
};
Worker workers[kMaxThreads];
int worker_count = 0;
std::atomic<int> remaining{0};
std::atomic<uint32_t> done_generation{0};

void* worker_main(void* arg) {
    const int i = (int)(intptr_t)arg;
    uint32_t seen = 0;
    for (;;) {
        futex_wait(workers[i].go, seen);
        seen = workers[i].go.load(std::memory_order_acquire);
        run_thread(i);
        if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            done_generation.fetch_add(1, std::memory_order_release);
            futex_wake(done_generation, INT_MAX);
        }
    }
    return nullptr;
}

void ensure_workers(int n) {
    while (worker_count < n) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 1 << 20);
        pthread_create(&workers[worker_count].thread, &attr, worker_main, (void*)(intptr_t)worker_count);
        pthread_attr_destroy(&attr);
        worker_count++;
    }
}

}  // namespace

void syncthreads() {
    if (meet_allowed()) block_barrier.arrive_and_wait();
}

void warp_sync() {
    if (meet_allowed()) warp_barriers[t_warp].arrive_and_wait();
}

void* warp_slots() {
    return warp_slot_memory[t_warp];
}

MmaExchange* warp_mma() {
    return &warp_mma_memory[t_warp];
}

int lane_id() {
    return t_lane;
}

static float tf32_value(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
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
        double sum = C[rows[r]][cols[r]];
        for (int k = 0; k < 8; k++) sum += A[rows[r]][k] * B[k][cols[r]];
        d[r] = (float)sum;
    }
}

std::string run_kernel(const KernelEntry& kernel, const LaunchShape& shape, void** args) {
    install_fault_handler();
    Launch launch;
    launch.kernel = &kernel;
    launch.index = (int)(&kernel - kKernels);
    launch.args = args;
    launch.shape = shape;
    launch.threads = (int)(shape.block[0] * shape.block[1] * shape.block[2]);
    current = &launch;
    blockDim = {shape.block[0], shape.block[1], shape.block[2]};
    gridDim = {shape.grid[0], shape.grid[1], shape.grid[2]};
    block_end.reset(launch.threads);
    reset_block_barriers(launch.threads);
    ensure_workers(launch.threads);
    const uint32_t done = done_generation.load(std::memory_order_acquire);
    remaining.store(launch.threads, std::memory_order_release);
    for (int i = 0; i < launch.threads; i++) {
        workers[i].go.fetch_add(1, std::memory_order_release);
        futex_wake(workers[i].go, 1);
    }
    futex_wait(done_generation, done);
    current = nullptr;
    return launch.failed.load() ? launch.error : std::string();
}

}  // namespace gcl_emu
