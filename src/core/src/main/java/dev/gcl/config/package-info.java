/**
 * The settings of a GCL run: {@link dev.gcl.config.GclConfig} with the paper's defaults, each setting described
 * once in {@link dev.gcl.config.Settings} (key, type, default, range, help), its text form
 * ({@link dev.gcl.config.ConfigKeys}: command line, sweep grids, model.json), and the variants
 * ({@link dev.gcl.config.Variant}).
 */
package dev.gcl.config;
