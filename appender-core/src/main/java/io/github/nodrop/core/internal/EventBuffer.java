package io.github.nodrop.core.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory hand-off between application threads and the sender: bounded in items and in bytes.
 * {@link #offer} never blocks; when it refuses, the caller takes the overflow path instead.
 *
 * @param <T> what is handed over
 */
public interface EventBuffer<T> {

    /** Adds the item unless the buffer is full in items or bytes. Thread-safe, never blocks. */
    boolean offer(T item, int sizeInBytes);

    /**
     * Moves up to {@code max} items into {@code target}, waiting up to the timeout for the first one.
     * Thread-safe: concurrent drains each get distinct items.
     */
    int drainTo(List<T> target, int max, long timeout, TimeUnit unit) throws InterruptedException;

    int size();

    long bytes();
}
