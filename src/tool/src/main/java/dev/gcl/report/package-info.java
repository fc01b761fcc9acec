/** Run reports: ROC curves and the headless PNG charts of a run or a sweep. */
package dev.gcl.report;
