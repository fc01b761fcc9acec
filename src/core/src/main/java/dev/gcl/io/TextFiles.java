package dev.gcl.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * UTF-8 text files (lists, annotations, tables, descriptions). Bytes that are not UTF-8 are the file's fault, a
 * {@link DataFormatException}, not an I/O error; a missing or unreadable file stays an {@link UncheckedIOException}
 * around the {@link IOException} that says why.
 */
public final class TextFiles {
    private TextFiles() {}

    /** The lines, split as Files.readAllLines splits them (at \n, \r or \r\n), in a list the caller may change. */
    public static List<String> lines(Path file) {
        return string(file).lines().collect(Collectors.toCollection(ArrayList::new));
    }

    public static String string(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw notUtf8(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static DataFormatException notUtf8(Path file) {
        return new DataFormatException(file, "not UTF-8 text");
    }
}
