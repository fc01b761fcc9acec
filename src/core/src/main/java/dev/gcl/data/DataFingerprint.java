package dev.gcl.data;

import dev.gcl.io.FeatureRows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short fingerprint of training data: the first 16 hex digits of SHA-256 over the shape, the video boundaries and
 * every feature's bits. Two runs with equal fingerprints trained on the same numbers in the same order.
 *
 * <p>Computed from the numbers, not from file names, sizes or dates: a copy of the data on another machine has the
 * same fingerprint, and a file rewritten with other numbers a different one. The cost (one pass over the features,
 * a few seconds per GB) is paid once per {@link TrainingData} and process: the value is kept with the data and
 * shared by its labelled copies, so train, sweep, checkpoints and model files all reuse it.
 */
public final class DataFingerprint {
    private DataFingerprint() {}

    public static String of(TrainingData data) {
        String[] cell = data.fingerprintCell();
        synchronized (cell) {
            if (cell[0] == null) cell[0] = compute(data);
            return cell[0];
        }
    }

    private static String compute(TrainingData data) {
        MessageDigest sha = sha256();
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(data.rows()).putInt(data.dim()).putInt(data.videos()).put((byte) (data.hasTimeAxis() ? 1 : 0));
        for (int v = 0; v <= data.videos(); v++) {
            if (b.remaining() < 4) flush(sha, b);
            b.putInt(v == data.videos() ? data.rows() : data.videoStart(v));
        }
        flush(sha, b);
        // the features as little-endian float32 bytes, row by row through a direct buffer
        FeatureRows x = data.featureRows();
        int dim = x.dim();
        int rowsPerBlock = Math.max(1, (1 << 20) / dim);
        ByteBuffer block = ByteBuffer.allocateDirect(rowsPerBlock * dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        var floats = block.asFloatBuffer();
        for (int r = 0; r < x.rows(); ) {
            int n = Math.min(rowsPerBlock, x.rows() - r);
            for (int i = 0; i < n; i++) x.copyRow(r + i, floats, i * dim);
            block.clear().limit(n * dim * Float.BYTES);
            sha.update(block);
            r += n;
        }
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
