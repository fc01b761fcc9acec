// What the stand-in driver (gcl_standin_driver.cpp) needs from the execution engine (gcl_emulation.cpp) and from
// the generated kernel table (gcl_kernels_host.cpp, written by build-standin.sh).
#ifndef GCL_EMULATION_RUNTIME_H
#define GCL_EMULATION_RUNTIME_H

#include <cstddef>
#include <string>
#include <type_traits>
#include <utility>

namespace gcl_emu {

// Calls a kernel with its arguments unpacked from cuLaunchKernel's array of pointers, each converted to the type
// the kernel declares for that position (deduced from the kernel's own signature).
using Invoker = void (*)(void** args);

struct KernelEntry {
    const char* name;
    Invoker invoke;
    unsigned int maxThreads;  // __launch_bounds__, or 1024 when the kernel states none
    int params;
    const bool* writableFloat;  // per parameter: a float* (not const float*), i.e. an output the kernel may write
    const unsigned int* paramSize;  // per parameter: its size in bytes (what a stream capture copies at launch)
};

template <auto F>
struct KernelInvoker;

template <class... A, void (*F)(A...)>
struct KernelInvoker<F> {
    static constexpr int params = sizeof...(A);
    // One flag per parameter (and a spare, so that a kernel without parameters has an array too): whether it is a
    // non-const float*, an output GCL_STANDIN_CORRUPT may tamper with.
    static constexpr bool writableFloat[sizeof...(A) + 1] = {std::is_same_v<A, float*>..., false};
    static constexpr unsigned int paramSize[sizeof...(A) + 1] = {(unsigned int)sizeof(A)..., 0u};
    static void invoke(void** args) { call(args, std::index_sequence_for<A...>{}); }

  private:
    template <std::size_t... I>
    static void call(void** args, std::index_sequence<I...>) {
        F(*static_cast<A*>(args[I])...);
    }
};

// The generated table: every extern "C" __global__ entry point of kernels/*.cu.
extern const KernelEntry kKernels[];
extern const int kKernelCount;

struct LaunchShape {
    unsigned int grid[3];
    unsigned int block[3];
    unsigned int dynamicSharedBytes;  // cuLaunchKernel's sharedMemBytes
};

// Runs every block of the grid (one after another, the block's threads concurrently). Returns an empty string,
// or what went wrong (an illegal address, with the kernel, block, thread and faulting address).
std::string run_kernel(const KernelEntry& kernel, const LaunchShape& shape, void** args);

// Called by the fault handler to describe a faulting address (inside a guard page after an allocation or not).
std::string describe_address(const void* address);

}  // namespace gcl_emu

#endif  // GCL_EMULATION_RUNTIME_H
