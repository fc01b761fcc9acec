package dev.gcl.nn;

/** RMSprop hyper-parameters (PyTorch semantics; see {@link dev.gcl.backend.Backend#rmsprop}). */
public record RmsPropConfig(double lr, double alpha, double eps, double momentum) {}
