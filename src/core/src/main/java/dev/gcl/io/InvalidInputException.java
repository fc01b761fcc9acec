package dev.gcl.io;

/**
 * Input a person can fix: a setting out of range, an option that does not parse, data that does not suit the
 * variant. An {@link IllegalArgumentException}, so library callers may catch either; the command-line tool
 * recognises this type (and {@link DataFormatException}) as bad input, exit code 2, while any other
 * IllegalArgumentException is a bug, reported as an internal error. The message is one line that names the
 * setting, option or file.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
