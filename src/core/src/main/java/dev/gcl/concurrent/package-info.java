/**
 * Small concurrency helpers shared by packages that must not depend on each other (the CPU backends' row
 * parallelism and the sweep's runs at once).
 */
package dev.gcl.concurrent;
