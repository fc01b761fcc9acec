package dev.gcl.backend;

/** A float array in a backend's memory (host heap for the CPU backend, device memory for CUDA). */
public interface DeviceFloats {
    /** Number of float elements. */
    int length();
}
