/**
 * The seam between the GCL trainer and the hardware: the {@link dev.gcl.backend.Backend} op set, its buffer
 * types and the enums its ops take. Implementations: {@code dev.gcl.backend.cpu} (the reference) and, later,
 * {@code dev.gcl.backend.cuda}.
 */
package dev.gcl.backend;
