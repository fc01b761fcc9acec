/**
 * The CPU reference backend: the executable form of {@code docs/algorithm.md}, against which every other backend is
 * checked. Its arithmetic is written once, in {@link dev.gcl.backend.reference.DenseMath} (dense layers, also used
 * by host-side scoring), {@link dev.gcl.backend.reference.RmsPropMath} (the optimiser step) and
 * {@link dev.gcl.backend.reference.VectorMath} (statistics, labels, NL targets, losses, gathers, also used by the
 * OpenBLAS backend, which is therefore bit-equal to the reference on those ops).
 */
package dev.gcl.backend.reference;
