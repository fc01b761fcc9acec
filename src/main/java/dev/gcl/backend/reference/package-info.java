/**
 * The CPU reference backend: the executable form of {@code docs/algorithm.md}, against which every other backend is
 * checked.
 */
package dev.gcl.backend.reference;
