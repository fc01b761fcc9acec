/**
 * The seam between the GCL trainer and the hardware: the {@link dev.gcl.backend.Backend} op set, its buffer
 * types and the enums its ops take. Implementations: {@code dev.gcl.backend.reference} (the reference),
 * {@code dev.gcl.backend.blas} (FP32 GEMMs through OpenBLAS) and {@code dev.gcl.backend.cuda} (hand-written
 * kernels); the last two have probes that say whether a machine can run them. {@link dev.gcl.backend.Backends}
 * creates one by name, or picks one ("auto").
 */
package dev.gcl.backend;
