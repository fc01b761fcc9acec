/**
 * Command-line entry points of the device check ({@code native-build/device-check.sh}): the CUDA probe verdict
 * and a short benchmark of the GPU backend. Test scope: they ship in the device bundle, not in the library jar.
 * Also {@link dev.gcl.bench.LaunchCounts}: kernel launches and host waits per training iteration, counted under the
 * stand-in driver (docs/gpu.md).
 */
package dev.gcl.bench;
