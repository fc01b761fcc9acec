/**
 * The CUDA backend: {@link dev.gcl.backend.cuda.CudaBackend} runs every op of {@link dev.gcl.backend.Backend} as
 * a hand-written kernel ({@code kernels/*.cu}, compiled ahead of time into the resources
 * {@code gcl_kernels.fatbin}, {@code gcl_kernels.ptx} and {@code gcl_kernels_sm75.ptx}: {@link
 * dev.gcl.backend.cuda.KernelImage}) through JCuda's driver API; {@link dev.gcl.backend.cuda.CudaProbe} says
 * whether this machine can run it, and why not, after checking each device ({@code CudaDriver}, {@code DeviceCheck},
 * {@code ModuleLoader}, {@code KernelCanary}). This is the only package that imports {@code jcuda.*}.
 */
package dev.gcl.backend.cuda;
