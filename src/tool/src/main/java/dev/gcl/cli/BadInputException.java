package dev.gcl.cli;

/** Input a person can fix (a missing file, a wrong option, data that does not suit the variant): exit code 2. */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
