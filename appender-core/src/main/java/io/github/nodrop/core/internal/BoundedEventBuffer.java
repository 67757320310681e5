package io.github.nodrop.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An {@link EventBuffer} over an {@link ArrayBlockingQueue} (the event bound) with a byte budget kept in
 * an {@link AtomicLong}. An offer reserves its bytes first and gives them back if the queue is full, so
 * the budget is never exceeded, even by concurrent offers. The consumer polls rather than waits, so an
 * offer never has to wake a thread.
 */
public final class BoundedEventBuffer<E> implements EventBuffer<E> {

    private static final long MIN_IDLE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    private static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

    private final ArrayBlockingQueue<Entry<E>> queue;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final List<Entry<E>> scratch = new ArrayList<>();

    public BoundedEventBuffer(int maxEvents, long maxBytes) {
        this.queue = new ArrayBlockingQueue<>(maxEvents);
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean offer(E event, int sizeInBytes) {
        if (bytes.addAndGet(sizeInBytes) > maxBytes) {
            bytes.addAndGet(-sizeInBytes);
            return false;
        }
        if (!queue.offer(new Entry<>(event, sizeInBytes))) {
            bytes.addAndGet(-sizeInBytes);
            return false;
        }
        return true;
    }

    @Override
    public int drainTo(List<E> target, int max, long timeout, TimeUnit unit) throws InterruptedException {
        scratch.clear();
        if (queue.drainTo(scratch, max) == 0) {
            // Poll instead of waiting on the queue's condition: a waiting consumer makes every offer
            // signal it, a wake-up system call on the caller's thread. Polling costs the sender a few
            // hundred wake-ups a second while idle and adds at most MAX_IDLE_PARK to an event's wait,
            // which linger.ms dwarfs.
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            long park = MIN_IDLE_PARK_NANOS;
            while (queue.drainTo(scratch, max) == 0) {
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
        for (Entry<E> entry : scratch) {
            target.add(entry.event);
            released += entry.size;
        }
        bytes.addAndGet(-released);
        int drained = scratch.size();
        scratch.clear();
        return drained;
    }

    @Override
    public int size() {
        return queue.size();
    }

    @Override
    public long bytes() {
        return bytes.get();
    }

    private static final class Entry<E> {
        final E event;
        final int size;

        Entry(E event, int size) {
            this.event = event;
            this.size = size;
        }
    }
}
