// Fixture for StandInProcessTest (src/test/resources/dev/gcl/backend/cuda/standin-tiny.fatbin): two entry
// points named after kernels of the stand-in's table, so a module built from it resolves them.
extern "C" __global__ void gather_rows(const float* src, const int* indices, int indexOffset, float* dst, int rows,
                                       int cols) {
    if (threadIdx.x < cols) dst[threadIdx.x] = src[indices[indexOffset] * cols + threadIdx.x];
}
extern "C" __global__ void dense_forward_tf32(float* out) { out[threadIdx.x] = 1.0f; }
