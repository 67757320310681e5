package io.github.nodrop.core.internal;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;

/**
 * An {@link EventBuffer} over an {@link ArrayBlockingQueue} (the item bound) with a byte budget kept in
 * an {@link AtomicLong}. An offer reserves its bytes first and gives them back if the queue is full, so
 * the budget is never exceeded, even by concurrent offers. The item's size is read back with {@code
 * sizeOf} when drained, so nothing is allocated per item.
 *
 * <p>Drains go straight into the caller's list, with no state shared between drains, so the sender and a
 * stopping thread may drain at once and each item is drained exactly once. The consumer polls rather than waits, so an offer never has to wake
 * a thread.
 */
public final class BoundedEventBuffer<T> implements EventBuffer<T> {

    private static final long MIN_IDLE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    private static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

    private final ArrayBlockingQueue<T> queue;
    private final long maxBytes;
    private final ToIntFunction<T> sizeOf;
    private final AtomicLong bytes = new AtomicLong();

    public BoundedEventBuffer(int maxItems, long maxBytes, ToIntFunction<T> sizeOf) {
        this.queue = new ArrayBlockingQueue<>(maxItems);
        this.maxBytes = maxBytes;
        this.sizeOf = sizeOf;
    }

    @Override
    public boolean offer(T item, int sizeInBytes) {
        if (bytes.addAndGet(sizeInBytes) > maxBytes) {
            bytes.addAndGet(-sizeInBytes);
            return false;
        }
        if (!queue.offer(item)) {
            bytes.addAndGet(-sizeInBytes);
            return false;
        }
        return true;
    }

    @Override
    public int drainTo(List<T> target, int max, long timeout, TimeUnit unit) throws InterruptedException {
        int from = target.size();
        int drained = drainOnce(target, max);
        if (drained == 0 && timeout > 0) {
            // Poll instead of waiting on the queue's condition: a waiting consumer makes every offer
            // signal it, a wake-up system call on the caller's thread. Polling costs the sender a few
            // hundred wake-ups a second while idle and adds at most MAX_IDLE_PARK to an event's wait,
            // which linger.ms dwarfs.
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            long park = MIN_IDLE_PARK_NANOS;
            while ((drained = drainOnce(target, max)) == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                LockSupport.parkNanos(Math.min(left, park));
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                park = Math.min(park * 2, MAX_IDLE_PARK_NANOS);
            }
        }
        long released = 0;
        for (int i = from; i < target.size(); i++) {
            released += sizeOf.applyAsInt(target.get(i));
        }
        bytes.addAndGet(-released);
        return drained;
    }

    private int drainOnce(List<T> target, int max) {
        return queue.drainTo(target, max); // atomic under the queue's lock, straight into the caller's list
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public long bytes() {
        return bytes.get();
    }
}
