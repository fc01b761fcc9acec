/**
 * Evaluation: exact ROC AUC and average precision, ground-truth readers (UCF-Crime, ShanghaiTech, XD-Violence),
 * frame-count tables, segment-to-frame expansion (docs/algorithm.md and the official UCF-Crime 32-segment mapping) and the
 * frame-level evaluation over test videos.
 */
package dev.gcl.eval;
