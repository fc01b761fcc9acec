/**
 * Fully connected networks: host-side weights with PyTorch's initialisation, the backend-resident
 * {@link dev.gcl.nn.Network} used in training, and host inference for scoring: the reference arithmetic
 * ({@link dev.gcl.nn.HostInference}) and the fast scorers found through {@link dev.gcl.nn.Scorers}, of which the
 * core's own is {@link dev.gcl.nn.JavaFp32Scorer} (FP32 in plain Java).
 */
package dev.gcl.nn;
