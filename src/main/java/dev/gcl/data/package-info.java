/**
 * Training data in memory ({@link dev.gcl.data.TrainingData}) and a small seeded generator of video-like data
 * for tests and demos ({@link dev.gcl.data.SyntheticVideos}).
 */
package dev.gcl.data;
