/**
 * The seam between the GCL trainer and the hardware: the {@link dev.gcl.backend.Backend} op set, its buffer
 * types and the enums its ops take, and the registry of backends. Implementations, each in its own sub-package
 * with a {@link dev.gcl.backend.BackendProvider} registered in its artifact's
 * {@code META-INF/services/dev.gcl.backend.BackendProvider}: {@code dev.gcl.backend.reference} in this artifact
 * (the reference, whose arithmetic the OpenBLAS backend shares), {@code dev.gcl.backend.blas} in gcl-blas (FP32
 * GEMMs through OpenBLAS) and {@code dev.gcl.backend.cuda} in gcl-cuda (hand-written kernels); the last two have
 * probes that say whether a machine can run them. {@link dev.gcl.backend.Backends} creates one by name, or picks one
 * ("auto", by priority). This package imports none of its sub-packages: they are found through
 * {@link java.util.ServiceLoader}.
 */
package dev.gcl.backend;
