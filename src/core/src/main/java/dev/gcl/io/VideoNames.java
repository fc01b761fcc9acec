package dev.gcl.io;

import java.util.List;
import java.util.Locale;

/**
 * The name a video goes by, whatever list or file mentions it: the last path component (after {@code /} or a
 * Windows {@code \}), without a known file extension, without one of the given feature suffixes.
 *
 * <p>Example: {@code C:\UCF\Abuse\Abuse028_x264_i3d.npy} and {@code Abuse/Abuse028_x264.mp4} are both
 * {@code Abuse028_x264} when {@code _i3d} is a suffix. Only known extensions are removed, because XD-Violence
 * names contain dots.
 */
public final class VideoNames {
    /** Extensions removed from names (lower case, with the dot). */
    public static final List<String> EXTENSIONS = List.of(".npy", ".npz", ".txt", ".mp4", ".avi", ".mkv",
            ".webm", ".mov", ".mat");
    /** Suffixes of common feature releases, removed by default. */
    public static final List<String> DEFAULT_SUFFIXES = List.of("_i3d", "_c3d");

    private VideoNames() {}

    public static String canonical(String entry, List<String> suffixes) {
        String s = entry.strip();
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        s = s.substring(slash + 1);
        String lower = s.toLowerCase(Locale.ROOT);
        for (String ext : EXTENSIONS) {
            if (lower.endsWith(ext)) {
                s = s.substring(0, s.length() - ext.length());
                break;
            }
        }
        for (String suffix : suffixes) {
            if (!suffix.isEmpty() && s.endsWith(suffix) && s.length() > suffix.length()) {
                s = s.substring(0, s.length() - suffix.length());
                break;
            }
        }
        return s;
    }

    public static String canonical(String entry) {
        return canonical(entry, DEFAULT_SUFFIXES);
    }
}
