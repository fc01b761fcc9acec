package dev.gcl.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A float32 copy of a feature set whose files cannot be mapped as they are (crops averaged, float16/64, text,
 * Fortran order, big-endian, rows dropped): converted once into one little-endian C-order .npy file of shape
 * (rows, D), then memory-mapped like any float32 .npy. Beside it, {@code <file>.json} records what it was made from:
 * a key over every source file's path, size and modification time, the format, crop mode and NaN policy, plus the
 * video offsets. A later load with the same key maps the cache without reading the sources; any change rebuilds it.
 *
 * <p>Written under a temporary name and renamed into place, so a crash leaves no half-written cache, and two
 * processes converting at once both end with a complete one.
 */
public final class FeatureCache {
    /** The .npy header is padded to this length, so the row count can be written after the rows. */
    static final int HEADER_BYTES = 128;
    private static final ObjectMapper JSON = new ObjectMapper();

    private FeatureCache() {}

    /** Where caches go when the dataset description names none: $GCL_CACHE_DIR, else ~/.cache/gcl. */
    public static Path defaultFolder() {
        String dir = System.getenv("GCL_CACHE_DIR");
        if (dir != null && !dir.isBlank()) return Path.of(dir);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gcl");
    }

    /** The identity of a conversion: sources (path, size, modification time) and how they are read. */
    static String key(List<FeatureSetLoader.VideoFile> videos, FeatureFormat format, CropMode mode,
                      NonFinitePolicy policy) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder s = new StringBuilder(format + "|" + mode + "|" + policy + "\n");
        for (FeatureSetLoader.VideoFile v : videos) {
            Path p = v.file().toAbsolutePath().normalize();
            try {
                s.append(v.name()).append('|').append(p).append('|').append(Files.size(p)).append('|')
                        .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p, e);
            }
            if (s.length() > 1 << 16) {
                sha.update(s.toString().getBytes(StandardCharsets.UTF_8));
                s.setLength(0);
            }
        }
        sha.update(s.toString().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The cache at {@code file} when its record matches key, else null. */
    static FeatureSet open(Path file, String key, List<String> names) {
        Path record = recordOf(file);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(record)) return null;
        try {
            JsonNode r = JSON.readTree(record.toFile());
            if (!key.equals(r.path("key").asText())) return null;
            int dim = r.path("dim").asInt();
            JsonNode o = r.path("offsets");
            if (dim <= 0 || o.size() != names.size() + 1) return null;
            int[] offsets = new int[o.size()];
            for (int i = 0; i < offsets.length; i++) offsets[i] = o.get(i).asInt();
            int rows = offsets[offsets.length - 1];
            if (Files.size(file) != HEADER_BYTES + (long) rows * dim * Float.BYTES) return null;
            FeatureRows x = new MappedFeatureRows.Builder(dim).add(file, HEADER_BYTES, rows).build();
            return new FeatureSet(x, offsets, names, r.path("dropped_rows").asLong(),
                    "memory-mapped from the float32 cache " + file);
        } catch (IOException | RuntimeException e) {
            return null;   // unreadable or foreign: rebuilt
        }
    }

    /** Converts the videos into the cache at {@code file} and maps it. */
    static FeatureSet write(Path file, String key, List<FeatureSetLoader.VideoFile> videos, FeatureShape[] shapes,
                            int dim, FeatureFormat format, CropMode mode, NonFinitePolicy policy,
                            LoadProgress progress) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        int[] offsets = new int[videos.size() + 1];
        long dropped = 0;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.position(HEADER_BYTES);
                long rows = 0;
                progress.start("converting training features into " + file.getFileName(), videos.size());
                try {
                    for (int v = 0; v < videos.size(); v++) {
                        FeatureSetLoader.VideoFile video = videos.get(v);
                        int n = shapes[v].rows(mode);
                        float[] x = new float[Math.multiplyExact(n, dim)];
                        FeatureFiles.readInto(video.file(), format, mode, shapes[v], x, 0);
                        int kept = NonFiniteRows.check(video.file(), x, 0, n, dim, policy);
                        if (kept == 0) throw new DataFormatException(video.file(), "every row holds NaN or infinity");
                        dropped += n - kept;
                        ByteBuffer b = ByteBuffer.allocate(kept * dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                        b.asFloatBuffer().put(x, 0, kept * dim);
                        while (b.hasRemaining()) out.write(b);
                        rows += kept;
                        if (rows > Integer.MAX_VALUE - 8) {
                            throw new DataFormatException(video.file(), "more than 2^31-1 feature rows in all");
                        }
                        offsets[v + 1] = (int) rows;
                        progress.fileDone();
                    }
                } finally {
                    progress.finish();
                }
                ByteBuffer h = ByteBuffer.wrap(header(offsets[videos.size()], dim));
                while (h.hasRemaining()) out.write(h, h.position());
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ObjectNode r = JSON.createObjectNode();
            r.put("key", key);
            r.put("dim", dim);
            r.put("dropped_rows", dropped);
            var o = r.putArray("offsets");
            for (int off : offsets) o.add(off);
            Path record = recordOf(file);
            Path recordTmp = record.resolveSibling("." + record.getFileName() + ".tmp-" + ProcessHandle.current().pid());
            Files.write(recordTmp, JSON.writeValueAsBytes(r));
            Files.move(recordTmp, record, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new DataFormatException(file.toString(), "cannot write the feature cache: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
        int rows = offsets[videos.size()];
        FeatureRows x = new MappedFeatureRows.Builder(dim).add(file, HEADER_BYTES, rows).build();
        return new FeatureSet(x, offsets, List.copyOf(videos.stream().map(FeatureSetLoader.VideoFile::name).toList()),
                dropped, "memory-mapped from the float32 cache " + file + " (converted now)");
    }

    /** A version 1.0 .npy header of exactly {@link #HEADER_BYTES} bytes for a (rows, dim) float32 array. */
    static byte[] header(int rows, int dim) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + dim + "), }";
        int dictBytes = HEADER_BYTES - 10;
        String padded = dict + " ".repeat(dictBytes - 1 - dict.length()) + "\n";
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) dictBytes)
                .put(padded.getBytes(StandardCharsets.ISO_8859_1));
        return b.array();
    }

    private static Path recordOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".json");
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stray temporary file; the next conversion overwrites its own
        }
    }
}
