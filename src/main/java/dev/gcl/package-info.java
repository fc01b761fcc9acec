/**
 * gcl: Generative Cooperative Learning (Zaheer et al., CVPR 2022) for unsupervised video anomaly detection.
 * Entry points: {@link dev.gcl.Gcl} (fit), {@link dev.gcl.GclModel} (score), {@link dev.gcl.GclConfig} (every
 * setting with the paper's defaults), {@link dev.gcl.Variant} (the paper's variants).
 */
package dev.gcl;
