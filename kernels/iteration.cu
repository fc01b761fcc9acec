// The end of a replayed iteration (dev.gcl.backend.cuda.CudaIterationGraphs): its values (gcl_common.cuh,
// GCL_ITERATION_*) become the next iteration's, so the host writes them only when the sequence breaks (a new
// epoch, a resume): batch start += rows, iteration number += 1. iterationValues (2) ints, updated in place.
#include "gcl_common.cuh"

// One thread. Grid: 1.
extern "C" __global__ void __launch_bounds__(32)
iteration_advance(int* __restrict__ iterationValues, int rows) {
    if (blockIdx.x == 0 && threadIdx.x == 0) {
        iterationValues[GCL_ITERATION_BATCH_START] += rows;
        iterationValues[GCL_ITERATION_NUMBER] += 1;
    }
}
