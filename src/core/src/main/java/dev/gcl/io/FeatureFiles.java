package dev.gcl.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads one video's segment features ({@link FeatureFormat}) as a (rows, D) float32 block, written straight into a
 * caller's array so that a whole feature set can live in one preallocated {@code float[]}.
 *
 * <p>Accepted .npy shapes: {@code [T, D]} and {@code [T, crops, D]}; crops are averaged by default
 * ({@link CropMode}). Text files hold {@code [T, D]}.
 */
public final class FeatureFiles {
    private FeatureFiles() {}

    /** The shape of {@code file}, read from the .npy header (checked against the file size) or the text lines. */
    public static FeatureShape shape(Path file, FeatureFormat format) {
        if (!Files.isRegularFile(file)) throw new DataFormatException(file, "no such feature file");
        return format == FeatureFormat.NPY ? npyShape(file, NpyReader.header(file)) : textShape(file);
    }

    /** Reads {@code file} whole. */
    public static FeatureMatrix read(Path file, FeatureFormat format, CropMode mode) {
        FeatureShape shape = shape(file, format);
        long elements = (long) shape.rows(mode) * shape.dim();
        if (elements > Integer.MAX_VALUE - 8) {
            throw new DataFormatException(file, elements + " floats exceed a Java array (2^31-1 elements)");
        }
        float[] data = new float[(int) elements];
        readInto(file, format, mode, shape, data, 0);
        return new FeatureMatrix(data, shape.rows(mode), shape.dim());
    }

    /**
     * Reads {@code file}, whose shape {@link #shape} returned, into {@code dest} from element {@code destOffset}
     * on: {@code shape.rows(mode) * shape.dim()} floats, overwriting what was there.
     */
    public static void readInto(Path file, FeatureFormat format, CropMode mode, FeatureShape shape, float[] dest,
                                int destOffset) {
        int d = shape.dim();
        int rows = shape.rows(mode);
        if (format == FeatureFormat.C3D_TEXT) {
            readText(file, shape, dest, destOffset);
            return;
        }
        NpyHeader h = NpyReader.header(file);
        if (shape.crops() == 1 || mode == CropMode.SEPARATE_ROWS) {
            NpyReader.stream(file, h, (v, n, first) -> System.arraycopy(v, 0, dest, destOffset + (int) first, n));
            return;
        }
        // crop average: accumulate each crop's row into the segment's row, then scale once
        Arrays.fill(dest, destOffset, destOffset + rows * d, 0f);
        int crops = shape.crops();
        long perSegment = (long) crops * d;
        NpyReader.stream(file, h, (v, n, first) -> {
            int t = (int) (first / perSegment);
            int c = (int) (first / d % crops);
            int j = (int) (first % d);
            for (int i = 0; i < n; i++) {
                dest[destOffset + t * d + j] += v[i];
                if (++j == d) {
                    j = 0;
                    if (++c == crops) {
                        c = 0;
                        t++;
                    }
                }
            }
        });
        float inv = 1f / crops;
        for (int i = destOffset, end = destOffset + rows * d; i < end; i++) dest[i] *= inv;
    }

    private static FeatureShape npyShape(Path file, NpyHeader h) {
        if (!h.dtype().isNumeric()) {
            throw new DataFormatException(file, "dtype " + h.dtype().descr() + " is not numeric");
        }
        long[] s = h.shape();
        if (s.length == 2) return checked(file, s[0], 1, s[1], h);
        if (s.length == 3) return checked(file, s[0], s[1], s[2], h);
        throw new DataFormatException(file, "expected features [T, D] or [T, crops, D], got shape " + h.shapeText());
    }

    private static FeatureShape checked(Path file, long t, long crops, long d, NpyHeader h) {
        if (t < 1 || crops < 1 || d < 1) {
            throw new DataFormatException(file, "empty feature array, shape " + h.shapeText());
        }
        if (t * crops > Integer.MAX_VALUE || d > Integer.MAX_VALUE) {
            throw new DataFormatException(file, "shape " + h.shapeText() + " too large for one video");
        }
        return new FeatureShape((int) t, (int) crops, (int) d);
    }

    private static FeatureShape textShape(Path file) {
        int rows = 0, dim = -1;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                int n = countTokens(line);
                if (dim < 0) dim = n;
                else if (n != dim) {
                    throw new DataFormatException(file, "line " + lineNo + " has " + n + " values, line 1 has " + dim);
                }
                rows++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (rows == 0) throw new DataFormatException(file, "no feature rows");
        return new FeatureShape(rows, 1, dim);
    }

    private static void readText(Path file, FeatureShape shape, float[] dest, int destOffset) {
        int p = destOffset, end = destOffset + shape.segments() * shape.dim();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                int len = line.length(), i = 0;
                while (i < len) {
                    while (i < len && Character.isWhitespace(line.charAt(i))) i++;
                    if (i == len) break;
                    int start = i;
                    while (i < len && !Character.isWhitespace(line.charAt(i))) i++;
                    if (p == end) throw new DataFormatException(file, "more values than its first pass found");
                    try {
                        dest[p++] = Float.parseFloat(line.substring(start, i));
                    } catch (NumberFormatException e) {
                        throw new DataFormatException(file, "line " + lineNo + ": '" + line.substring(start, i)
                                + "' is not a number");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (p != end) throw new DataFormatException(file, "fewer values than its first pass found");
    }

    private static int countTokens(String line) {
        int n = 0, len = line.length(), i = 0;
        while (i < len) {
            while (i < len && Character.isWhitespace(line.charAt(i))) i++;
            if (i == len) break;
            n++;
            while (i < len && !Character.isWhitespace(line.charAt(i))) i++;
        }
        return n;
    }
}
