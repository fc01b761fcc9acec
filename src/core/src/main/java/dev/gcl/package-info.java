/**
 * gcl: Generative Cooperative Learning (Zaheer et al., CVPR 2022) for unsupervised video anomaly detection.
 * Entry points: {@link dev.gcl.Gcl} (fit), {@link dev.gcl.model.GclModel} (score), {@link dev.gcl.config.GclConfig}
 * (every setting with the paper's defaults), {@link dev.gcl.config.Variant} (the paper's variants). This package
 * sits on top: it depends on the others, and only the tool (cli, verify) depends on it.
 */
package dev.gcl;
