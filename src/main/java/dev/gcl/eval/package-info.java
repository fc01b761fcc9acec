/** Evaluation metrics: exact, tie-aware ROC AUC. */
package dev.gcl.eval;
