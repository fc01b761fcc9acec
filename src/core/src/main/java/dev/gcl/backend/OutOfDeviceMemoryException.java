package dev.gcl.backend;

import java.util.Locale;

/**
 * A device ran out of memory: the figures (what was asked, what was free, the device's total) and what to do. Not
 * a bug and not bad input in the usual sense, but something the user can change: the gcl tool exits 2 with this
 * one line. The backend that threw it is still usable for freeing and closing; nothing it allocated leaks.
 */
public class OutOfDeviceMemoryException extends RuntimeException {
    private final long requestedBytes, freeBytes, totalBytes;

    /** freeBytes is negative when the device could not say. */
    public OutOfDeviceMemoryException(String device, long requestedBytes, long freeBytes, long totalBytes,
                                      Throwable cause) {
        super(message(device, requestedBytes, freeBytes, totalBytes), cause);
        this.requestedBytes = requestedBytes;
        this.freeBytes = freeBytes;
        this.totalBytes = totalBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }

    public long totalBytes() {
        return totalBytes;
    }

    private static String message(String device, long requested, long free, long total) {
        return String.format(Locale.ROOT, "out of GPU memory on %s: %s needed, %s free of %s; train with a smaller "
                        + "--batch, keep the features in host memory (they are streamed when they do not fit), "
                        + "free the GPU of other processes (nvidia-smi), or use --backend blas",
                device, mib(requested), free < 0 ? "unknown" : mib(free), mib(total));
    }

    private static String mib(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
}
