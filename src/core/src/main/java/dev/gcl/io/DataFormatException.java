package dev.gcl.io;

import java.nio.file.Path;

/**
 * A data file that cannot be read as asked. The message is one line, {@code <file>: <cause>}, so that logs and
 * command-line tools can show it as is.
 */
public class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String source;

    public DataFormatException(Path file, String cause) {
        this(String.valueOf(file), cause, null);
    }

    public DataFormatException(String source, String cause) {
        this(source, cause, null);
    }

    public DataFormatException(String source, String cause, Throwable underlying) {
        super(oneLine(source + ": " + cause), underlying);
        this.source = source;
    }

    /** The file (or file and entry) the error is about. */
    public String source() {
        return source;
    }

    private static String oneLine(String s) {
        return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
