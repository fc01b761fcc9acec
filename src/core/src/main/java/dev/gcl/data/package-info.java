/**
 * Data for training and evaluation: {@link dev.gcl.data.TrainingData} (segments on the heap or memory-mapped, with or
 * without video boundaries; its {@link dev.gcl.data.DataFingerprint}, computed once); datasets from a hand-written description ({@link dev.gcl.data.DatasetSpec}, YAML or JSON) or an
 * .npz table, loaded by {@link dev.gcl.data.DatasetLoader} into a {@link dev.gcl.data.Dataset} (training videos and
 * test videos with frame-level ground truth); and {@link dev.gcl.data.SyntheticVideos}, a small in-memory
 * generator for tests (the on-disk generator in the real layout is {@code dev.gcl.synth}).
 */
package dev.gcl.data;
