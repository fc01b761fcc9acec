/**
 * A seeded generator of synthetic video-anomaly datasets written in the layout of the real ones (per-video .npy
 * features, list files, UCF-Crime style annotation), streaming, up to UCF-Crime scale.
 */
package dev.gcl.synth;
