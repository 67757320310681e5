package io.github.nodrop.core.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory hand-off between application threads and the sender: bounded in events and in bytes.
 * {@link #offer} never blocks; when it refuses, the caller spools the event instead.
 *
 * @param <E> the framework's event type
 */
public interface EventBuffer<E> {

    /** Adds the event unless the buffer is full in events or bytes. Thread-safe, never blocks. */
    boolean offer(E event, int sizeInBytes);

    /**
     * Moves up to {@code max} events into {@code target}, waiting up to the timeout for the first one.
     * Called by one consumer thread at a time.
     */
    int drainTo(List<E> target, int max, long timeout, TimeUnit unit) throws InterruptedException;

    int size();

    long bytes();
}
