/**
 * Readers of feature files: numpy .npy (float16/32/64, integers; {@code [T, D]} or {@code [T, crops, D]}), .npz
 * tables with {@code X} and {@code y} (ADBench/ODDS), and the text format of the official UCF-Crime C3D release.
 * Training feature sets load as {@link dev.gcl.io.FeatureRows}: memory-mapped from float32 .npy files where they
 * lie ({@link dev.gcl.io.MappedFeatureRows}), else converted once into a mapped float32
 * {@link dev.gcl.io.FeatureCache}, or onto the heap when small ({@link dev.gcl.io.FeatureSetLoader}).
 * Every malformed input raises a {@link dev.gcl.io.DataFormatException} with a one-line message naming the file.
 * Writing: {@link dev.gcl.io.AtomicDirectory} (whole or absent, repaired after a kill) and
 * {@link dev.gcl.io.Durable} (fsync before rename, the directory after), {@link dev.gcl.io.DiskFull} for a full
 * disk, and the test-only {@link dev.gcl.io.CrashPoint}s (docs/durability.md).
 */
package dev.gcl.io;
