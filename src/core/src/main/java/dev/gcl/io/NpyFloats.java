package dev.gcl.io;

/** A numeric .npy array read as float32 in C (row-major) order. */
public record NpyFloats(long[] shape, float[] data) {
}
