package dev.gcl.eval;

import dev.gcl.io.DataFormatException;
import dev.gcl.io.TextFiles;
import dev.gcl.io.VideoNames;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Frame counts by video name. Layouts:
 * <ul>
 *   <li>{@link #ucfCrime}: CSV with header, columns {@code video_path} (e.g. {@code Abuse/Abuse001_x264.mp4}) and
 *       {@code frame_count};</li>
 *   <li>{@link #shanghaiTech}: CSV with header, columns {@code video_id} = {@code <label>_<scene>_<number>} and
 *       {@code frame_count}; the name is {@code <scene, 2 digits>_<number>}, the number 3 digits for normal
 *       (label 0) videos and 4 digits for anomalous ones ({@code 0_1_1} is {@code 01_001}, {@code 1_1_14} is
 *       {@code 01_0014}), as in the ShanghaiTech file names and split lists;</li>
 *   <li>{@link #simple}: lines {@code name,frames} or {@code name frames}, an optional header line.</li>
 * </ul>
 */
public final class FrameCountTable {
    private final Map<String, Integer> counts;
    private final String source;

    private FrameCountTable(Map<String, Integer> counts, String source) {
        this.counts = counts;
        this.source = source;
    }

    public static FrameCountTable ucfCrime(Path csv) {
        return fromCsv(csv, "video_path", VideoNames::canonical);
    }

    public static FrameCountTable shanghaiTech(Path csv) {
        return fromCsv(csv, "video_id", id -> {
            String[] p = id.split("_");
            // digits only, so that a bad id is not reported as a bad frame count by the caller's NumberFormatException
            if (p.length != 3 || !p[1].matches("\\d{1,9}") || !p[2].matches("\\d{1,9}")) {
                throw new DataFormatException(csv, "video_id '" + id + "' is not label_scene_number");
            }
            int scene = Integer.parseInt(p[1]), number = Integer.parseInt(p[2]);
            return p[0].equals("0") ? String.format("%02d_%03d", scene, number) : String.format("%02d_%04d", scene, number);
        });
    }

    public static FrameCountTable simple(Path file) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<String> lines = lines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] p = line.split("[,\\s]+");
            if (p.length != 2) throw new DataFormatException(file, "line " + (i + 1) + ": expected name and frames");
            try {
                put(counts, file, VideoNames.canonical(p[0]), Integer.parseInt(p[1]), i + 1);
            } catch (NumberFormatException e) {
                if (i > 0 || !counts.isEmpty()) {
                    throw new DataFormatException(file, "line " + (i + 1) + ": '" + p[1] + "' is not a frame count");
                }  // else a header line
            }
        }
        return new FrameCountTable(counts, file.toString());
    }

    /** The counts an annotation file carries (videos without one are left out). */
    public static FrameCountTable of(Collection<VideoAnnotation> annotations, String source) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (VideoAnnotation a : annotations) if (a.frameCount() > 0) counts.put(a.name(), a.frameCount());
        return new FrameCountTable(counts, source);
    }

    private static FrameCountTable fromCsv(Path csv, String nameColumn,
                                           java.util.function.Function<String, String> toName) {
        List<String> lines = lines(csv);
        if (lines.isEmpty()) throw new DataFormatException(csv, "empty frame count table");
        List<String> header = Arrays.asList(lines.get(0).strip().split(","));
        int nameCol = header.indexOf(nameColumn), countCol = header.indexOf("frame_count");
        if (nameCol < 0 || countCol < 0) {
            throw new DataFormatException(csv, "header needs columns " + nameColumn + " and frame_count, has "
                    + header);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String[] p = line.split(",");
            if (p.length <= Math.max(nameCol, countCol)) {
                throw new DataFormatException(csv, "line " + (i + 1) + ": too few columns");
            }
            try {
                put(counts, csv, toName.apply(p[nameCol]), Integer.parseInt(p[countCol].strip()), i + 1);
            } catch (NumberFormatException e) {
                throw new DataFormatException(csv, "line " + (i + 1) + ": '" + p[countCol] + "' is not a frame count");
            }
        }
        return new FrameCountTable(counts, csv.toString());
    }

    private static void put(Map<String, Integer> counts, Path file, String name, int frames, int line) {
        if (frames <= 0) throw new DataFormatException(file, "line " + line + ": frame count " + frames);
        // UCF-Crime lists 50 normal videos twice (event and testing folders) with the same count: fine
        Integer before = counts.put(name, frames);
        if (before != null && before != frames) {
            throw new DataFormatException(file, "line " + line + ": video " + name + " listed twice, with "
                    + before + " and " + frames + " frames");
        }
    }

    private static List<String> lines(Path file) {
        return TextFiles.lines(file);
    }

    public OptionalInt frames(String name) {
        Integer n = counts.get(name);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /** The count of {@code name}; fails naming the table when it has none. */
    public int require(String name) {
        Integer n = counts.get(name);
        if (n == null) throw new DataFormatException(source, "no frame count for video " + name);
        return n;
    }

    public int size() {
        return counts.size();
    }

    public String source() {
        return source;
    }
}
