/**
 * Datasets: a hand-written description ({@link dev.gcl.data.DatasetSpec}, YAML or JSON) or an .npz table, loaded
 * by {@link dev.gcl.data.DatasetLoader} into a {@link dev.gcl.data.Dataset} (training videos + test videos with
 * frame-level ground truth).
 * Training data in memory ({@link dev.gcl.data.TrainingData}) and a small seeded generator of video-like data
 * for tests and demos ({@link dev.gcl.data.SyntheticVideos}).
 */
package dev.gcl.data;
