package dev.gcl.backend.cuda;

/**
 * An iteration recorded for replay did what a replay cannot repeat (a gather at another offset than its batch
 * start, a random stream other than its iteration's, an upload, a download, an allocation, a scratch buffer that
 * grew): a bug of the caller, named rather than left to the driver's capture errors.
 */
final class GraphCaptureException extends IllegalStateException {
    GraphCaptureException(String message) {
        super(message);
    }
}
