/**
 * Fully connected networks: host-side weights with PyTorch's initialisation, the backend-resident
 * {@link dev.gcl.nn.Network} used in training, and host inference for scoring.
 */
package dev.gcl.nn;
