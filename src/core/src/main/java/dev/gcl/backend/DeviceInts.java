package dev.gcl.backend;

/** An int array in a backend's memory (row indices). */
public interface DeviceInts {
    /** Number of int elements. */
    int length();
}
