/**
 * The seam between the GCL trainer and the hardware: the {@link dev.gcl.backend.Backend} op set, its buffer
 * types and the enums its ops take. Implementations: {@code dev.gcl.backend.cpu} (the reference) and
 * {@code dev.gcl.backend.cuda} (hand-written kernels; see its probe for whether a machine can run it).
 * {@link dev.gcl.backend.Backends} creates either by name, or picks one ("auto").
 */
package dev.gcl.backend;
