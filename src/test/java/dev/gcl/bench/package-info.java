/**
 * Command-line entry points of the device check ({@code native-build/device-check.sh}): the CUDA probe verdict
 * and a short benchmark of the GPU backend. Test scope: they ship in the device bundle, not in the library jar.
 */
package dev.gcl.bench;
