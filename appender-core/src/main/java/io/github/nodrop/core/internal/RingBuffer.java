package io.github.nodrop.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToIntFunction;

/**
 * An {@link EventBuffer} that takes no lock: a bounded ring of slots, each with a sequence number that
 * says whose turn it is (the multi-producer, multi-consumer array queue described by Dmitry Vyukov). A
 * producer claims a position with one compare-and-set on the shared tail, fills the slot and publishes it
 * by advancing the slot's sequence; a consumer does the same on the head. No thread ever parks inside
 * {@link #offer}: a full ring answers false at once, and a lost race only retries on the next position.
 *
 * <p>The byte budget is reserved with one atomic add before the slot is claimed and given back if there is
 * no slot, so neither bound is ever exceeded, even by concurrent offers. Capacity is exact (not rounded).
 * Drains from several threads at once are safe: each item is drained exactly once. The consumer polls
 * rather than waits, so an offer never has to wake a thread.
 */
public final class RingBuffer<T> implements EventBuffer<T> {

    private static final VarHandle SEQUENCES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle ITEMS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final long MIN_IDLE_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(250);
    private static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(4);
    /** Counters are this many longs apart (a cache line), so they never share one. */
    private static final int SPREAD = 8;

    private static final VarHandle COUNTERS = SEQUENCES;
    private static final int TAIL = SPREAD;
    private static final int HEAD = 2 * SPREAD;
    private static final int BYTES = 3 * SPREAD;

    private final int capacity;
    private final long[] sequences;
    private final Object[] items;
    private final long maxBytes;
    private final ToIntFunction<T> sizeOf;
    /** Tail, head and reserved bytes, each alone on its cache line (producers on the tail do not slow the head). */
    private final long[] counters = new long[4 * SPREAD];

    public RingBuffer(int capacity, long maxBytes, ToIntFunction<T> sizeOf) {
        if (capacity < 2) {
            // with one slot, "filled, not yet taken" and "free for the next lap" are the same sequence
            throw new IllegalArgumentException("capacity must be at least 2, was " + capacity);
        }
        this.capacity = capacity;
        this.sequences = new long[capacity];
        this.items = new Object[capacity];
        this.maxBytes = maxBytes;
        this.sizeOf = sizeOf;
        for (int i = 0; i < capacity; i++) {
            sequences[i] = i;
        }
        VarHandle.releaseFence();
    }

    @Override
    public boolean offer(T item, int sizeInBytes) {
        if ((long) COUNTERS.getAndAdd(counters, BYTES, (long) sizeInBytes) + sizeInBytes > maxBytes) {
            COUNTERS.getAndAdd(counters, BYTES, (long) -sizeInBytes);
            return false;
        }
        long position = (long) COUNTERS.getVolatile(counters, TAIL);
        while (true) {
            int slot = slot(position);
            long sequence = (long) SEQUENCES.getAcquire(sequences, slot);
            long lag = sequence - position;
            if (lag == 0) {
                if (COUNTERS.weakCompareAndSet(counters, TAIL, position, position + 1)) {
                    ITEMS.setRelease(items, slot, item);
                    SEQUENCES.setRelease(sequences, slot, position + 1);
                    return true;
                }
                position = (long) COUNTERS.getVolatile(counters, TAIL);
            } else if (lag < 0) { // the slot still holds the item of one lap ago: full
                COUNTERS.getAndAdd(counters, BYTES, (long) -sizeInBytes);
                return false;
            } else { // another producer took this position
                position = (long) COUNTERS.getVolatile(counters, TAIL);
            }
        }
    }

    /** Takes one item, or null when there is none published at the head. */
    @SuppressWarnings("unchecked")
    private T poll() {
        long position = (long) COUNTERS.getVolatile(counters, HEAD);
        while (true) {
            int slot = slot(position);
            long sequence = (long) SEQUENCES.getAcquire(sequences, slot);
            long lag = sequence - (position + 1);
            if (lag == 0) {
                if (COUNTERS.weakCompareAndSet(counters, HEAD, position, position + 1)) {
                    T item = (T) ITEMS.getAcquire(items, slot);
                    ITEMS.setRelease(items, slot, null);
                    SEQUENCES.setRelease(sequences, slot, position + capacity);
                    return item;
                }
                position = (long) COUNTERS.getVolatile(counters, HEAD);
            } else if (lag < 0) { // not published yet: empty (or a producer is between claim and publish)
                return null;
            } else {
                position = (long) COUNTERS.getVolatile(counters, HEAD);
            }
        }
    }

    private int slot(long position) {
        return (int) (position % capacity);
    }

    @Override
    public int drainTo(List<T> target, int max, long timeout, TimeUnit unit) throws InterruptedException {
        int drained = drainOnce(target, max);
        if (drained == 0 && timeout > 0) {
            // Poll instead of waiting: a waiting consumer would make every offer wake it, a system call on
            // the caller's thread. Polling costs the consumer a few hundred wake-ups a second while idle
            // and adds at most MAX_IDLE_PARK to an event's wait, which linger.ms dwarfs.
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
        return drained;
    }

    private int drainOnce(List<T> target, int max) {
        int drained = 0;
        long released = 0;
        T item;
        while (drained < max && (item = poll()) != null) {
            target.add(item);
            released += sizeOf.applyAsInt(item);
            drained++;
        }
        if (released != 0) {
            COUNTERS.getAndAdd(counters, BYTES, -released);
        }
        return drained;
    }

    @Override
    public int size() {
        long size = (long) COUNTERS.getVolatile(counters, TAIL) - (long) COUNTERS.getVolatile(counters, HEAD);
        return (int) Math.max(0, Math.min(capacity, size));
    }

    @Override
    public long bytes() {
        return (long) COUNTERS.getVolatile(counters, BYTES);
    }
}
