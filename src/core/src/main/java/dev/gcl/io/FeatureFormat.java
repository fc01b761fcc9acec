package dev.gcl.io;

/** How one video's segment features are stored on disk. */
public enum FeatureFormat {
    /** numpy .npy, {@code [T, D]} or {@code [T, crops, D]} (e.g. I3D 10-crop {@code [T, 10, 2048]}). */
    NPY,
    /**
     * Text as in the official UCF-Crime C3D release (Sultani et al.): one segment per line, whitespace-separated
     * floats, every line the same length.
     */
    C3D_TEXT;

    /** The usual file extension, with the dot. */
    public String extension() {
        return this == NPY ? ".npy" : ".txt";
    }
}
