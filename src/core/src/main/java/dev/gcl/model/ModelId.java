package dev.gcl.model;

import dev.gcl.nn.NetworkWeights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model's id: {@code "sha256:"} and the 64 lowercase hex digits of SHA-256 over the arrays of
 * {@code weights.npz} in the order {@link ModelFiles} writes them ({@code G.0.weight}, {@code G.0.bias},
 * {@code G.2.weight}, ..., then {@code D.0.weight}, ... where the model has a D), each as: its name in UTF-8, one
 * zero byte, its rank as a little-endian int64, each dimension as a little-endian int64 (weights (out, in), biases
 * (out)), then its elements row-major as little-endian IEEE-754 float32 bits. Only the weights and their shapes:
 * two models with the same weights have the same id whatever their config, history or creation time. Defined in
 * docs/java-api.md, with the few lines of Python that compute it from weights.npz.
 */
final class ModelId {
    static final String PREFIX = "sha256:";

    private ModelId() {}

    static String of(NetworkWeights generator, NetworkWeights discriminator) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);   // every Java SE has it
        }
        add(sha, "G", generator);
        if (discriminator != null) add(sha, "D", discriminator);
        return PREFIX + HexFormat.of().formatHex(sha.digest());
    }

    private static void add(MessageDigest sha, String prefix, NetworkWeights net) {
        for (int l = 0; l < net.layers(); l++) {
            array(sha, ModelFiles.weightName(prefix, l), net.weight(l), net.dim(l + 1), net.dim(l));
            array(sha, ModelFiles.biasName(prefix, l), net.bias(l), net.dim(l + 1));
        }
    }

    private static void array(MessageDigest sha, String name, float[] a, long... shape) {
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        ByteBuffer head = ByteBuffer.allocate(8 * (1 + shape.length)).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(shape.length);
        for (long d : shape) head.putLong(d);
        sha.update(head.array());
        ByteBuffer body = ByteBuffer.allocate(4 * a.length).order(ByteOrder.LITTLE_ENDIAN);
        body.asFloatBuffer().put(a);
        sha.update(body.array());
    }
}
