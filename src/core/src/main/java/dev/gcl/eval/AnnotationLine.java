package dev.gcl.eval;

import dev.gcl.io.DataFormatException;
import dev.gcl.io.TextFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One non-blank line of a whitespace-separated annotation file (UCF-Crime's, XD-Violence's): its fields, and where it
 * is, so that an error names the file and the line.
 */
record AnnotationLine(Path file, int number, String[] fields) {
    /** The file's non-blank lines, split at spaces or tabs. */
    static List<AnnotationLine> read(Path file) {
        List<String> lines = TextFiles.lines(file);
        List<AnnotationLine> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) out.add(new AnnotationLine(file, i + 1, line.split("\\s+")));
        }
        return out;
    }

    /** "line N", the start of every error about this line. */
    String where() {
        return "line " + number;
    }

    /** Field k as an integer; a DataFormatException naming the file and the line otherwise. */
    long integer(int k) {
        try {
            return Long.parseLong(fields[k]);
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, where() + ": '" + fields[k] + "' is not an integer");
        }
    }
}
