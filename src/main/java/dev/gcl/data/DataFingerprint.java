package dev.gcl.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short fingerprint of training data: the first 16 hex digits of SHA-256 over the shape, the video boundaries and
 * every feature's bits. Two runs with equal fingerprints trained on the same numbers in the same order.
 */
public final class DataFingerprint {
    private DataFingerprint() {}

    public static String of(TrainingData data) {
        MessageDigest sha = sha256();
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(data.rows()).putInt(data.dim()).putInt(data.videos()).put((byte) (data.hasTimeAxis() ? 1 : 0));
        for (int v = 0; v <= data.videos(); v++) {
            if (b.remaining() < 4) flush(sha, b);
            b.putInt(v == data.videos() ? data.rows() : data.videoStart(v));
        }
        float[] x = data.features();
        for (float f : x) {
            if (b.remaining() < 4) flush(sha, b);
            b.putFloat(f);
        }
        flush(sha, b);
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void flush(MessageDigest sha, ByteBuffer b) {
        sha.update(b.array(), 0, b.position());
        b.clear();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
