/**
 * Models leaving gcl for other runtimes: {@link dev.gcl.export.OnnxExport} writes a model's scoring graph as an
 * ONNX file (input {@code features} [batch, D] float32, output {@code score} [batch] float32) that ONNX Runtime,
 * Triton or any ONNX consumer serves without gcl or a JVM. Written by a small protobuf writer of its own, so the
 * library gains no dependency. docs/java-api.md ("Serving outside the JVM") has the graph, the versions and the
 * metadata.
 */
package dev.gcl.export;
