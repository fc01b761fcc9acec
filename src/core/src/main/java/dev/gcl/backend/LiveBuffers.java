package dev.gcl.backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The buffers one backend has allocated (or shared) and not freed, and whether it is closed: the checks every
 * backend makes on its ops' buffer arguments. Used by its backend's one thread, like the backend.
 */
public final class LiveBuffers {
    private final Set<Object> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    /** Throws IllegalStateException once the backend is closed. */
    public void checkOpen() {
        if (closed) throw new IllegalStateException("backend is closed");
    }

    /** Checks a new buffer's length (the backend must be open). */
    public void checkNew(int length) {
        checkOpen();
        if (length < 0) throw new IllegalArgumentException("negative length " + length);
    }

    /** Records a new buffer; returns it. */
    public <T> T add(T buffer) {
        live.add(buffer);
        return buffer;
    }

    /**
     * The buffer as this backend's type; null for null (optional arguments). IllegalArgumentException when another
     * backend made it or it was freed.
     */
    public <T> T get(Object buffer, Class<T> type) {
        if (buffer == null) return null;
        if (!type.isInstance(buffer) || !live.contains(buffer)) {
            throw new IllegalArgumentException("buffer was not allocated by this backend or was freed");
        }
        return type.cast(buffer);
    }

    /** Forgets a buffer (after {@link #get} checked it). */
    public void remove(Object buffer) {
        live.remove(buffer);
    }

    /** Number of buffers allocated and not yet freed (for leak tests). */
    public int size() {
        return live.size();
    }

    public boolean closed() {
        return closed;
    }

    /** Marks the backend closed and forgets every buffer; returns those still live, for the backend to release. */
    public List<Object> close() {
        closed = true;
        List<Object> remaining = new ArrayList<>(live);
        live.clear();
        return remaining;
    }
}
