/**
 * The trained model: {@link dev.gcl.model.GclModel} (weights, config, history, how it was made, scoring) and its
 * files on disk, {@code weights.npz} + {@code model.json}, written atomically and loaded with checks
 * ({@link dev.gcl.model.ModelFiles}); checkpoints of a run in progress ({@link dev.gcl.model.CheckpointFiles}).
 */
package dev.gcl.model;
