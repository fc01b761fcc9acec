package dev.gcl.eval;

import dev.gcl.io.DataFormatException;
import dev.gcl.io.NpyFloats;
import dev.gcl.io.NpyReader;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ShanghaiTech frame-level ground truth: one {@code <video>.npy} per originally anomalous video, uint8 (0/1) per
 * frame, its length the true frame count. A test video without a mask is all normal, its length taken from the
 * frame count table. When both exist they must agree.
 */
public final class ShanghaiTechMasks {
    private ShanghaiTechMasks() {}

    public static VideoGroundTruth read(Path maskDir, String video, FrameCountTable counts) {
        Path mask = maskDir.resolve(video + ".npy");
        if (!Files.isRegularFile(mask)) return VideoGroundTruth.normal(video, counts.require(video));
        NpyFloats m = NpyReader.read(mask);
        if (m.shape().length != 1) throw new DataFormatException(mask, "expected a 1-D mask, got " + m.shape().length + "-D");
        byte[] labels = new byte[m.data().length];
        for (int i = 0; i < labels.length; i++) {
            float v = m.data()[i];
            if (v != 0 && v != 1) throw new DataFormatException(mask, "frame " + i + " is " + v + ", expected 0 or 1");
            labels[i] = (byte) v;
        }
        var expected = counts.frames(video);
        if (expected.isPresent() && expected.getAsInt() != labels.length) {
            throw new DataFormatException(mask, "video " + video + ": mask has " + labels.length
                    + " frames, " + counts.source() + " says " + expected.getAsInt());
        }
        return new VideoGroundTruth(video, labels);
    }
}
