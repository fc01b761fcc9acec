package dev.gcl.cli;

/** Training ran but failed in a way the message explains (divergence): exit code 1, one line, no stack trace. */
final class TrainingFailedException extends RuntimeException {
    TrainingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
