package io.github.nodrop.core;

import io.github.nodrop.core.internal.EventBuffer;
import io.github.nodrop.core.internal.Journal;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The application's side of the engine: what a logging call does, and all it does.
 *
 * <p>In-memory mode: offer the event to the bounded buffer and return; when the buffer is full, hand it to
 * the {@link Spiller}'s queue; only when that is full too does the {@link Overflow} policy apply: spool it
 * on the calling thread, a local append like a file appender's, or drop and count it. Durable mode:
 * encode the event, write it to the {@link Journal} (in the page cache when the call returns, so it
 * survives a {@code kill -9}), then offer it to the buffer; when the buffer is full the event simply stays
 * in the journal and the sender reads it from there, so the call does no disk I/O. Only a full journal
 * takes the in-memory overflow path.
 *
 * <p>Rules: never waits on Kafka, never throws, gives every event it accepts exactly one fate or hands it
 * to the sender through the buffer. {@link #close} is a gate: once it returns, no call is still inside and
 * no later call puts anything in the buffer (late events are counted dropped with reason {@code STOPPED}).
 *
 * @param <E> the framework's event type
 */
final class Intake<E> {

    private final EventCodec<E> codec;
    private final EventBuffer<Pending<E>> buffer;
    private final Spiller<E> spiller;
    private final Overflow policy;
    private final Journal journal;
    private final Fallback<E> fallback;
    private final Fates<E> fates;
    private final LongSupplier clock;
    private final LongAdder inside = new LongAdder();
    private volatile boolean closed;

    Intake(
            EventCodec<E> codec,
            EventBuffer<Pending<E>> buffer,
            Spiller<E> spiller,
            Overflow policy,
            Journal journal,
            Fallback<E> fallback,
            Fates<E> fates,
            LongSupplier clock) {
        this.codec = codec;
        this.buffer = buffer;
        this.spiller = spiller;
        this.policy = policy;
        this.journal = journal;
        this.fallback = fallback;
        this.fates = fates;
        this.clock = clock;
    }

    void submit(E event) {
        if (closed) { // checked before entering too, so calls after the stop never hold up its wait
            late(event);
            return;
        }
        inside.increment();
        try {
            if (closed) {
                late(event);
                return;
            }
            fates.accepted();
            int size = estimate(event);
            if (journal == null) {
                Pending<E> pending = new Pending<>(event, size, null, -1);
                if (!buffer.offer(pending, size)) {
                    overflow(pending);
                }
            } else {
                submitDurably(event, size);
            }
        } catch (Throwable e) {
            // only a bug of ours or an OutOfMemoryError gets here; the event must still get a fate
            fates.dropped(event, DropReason.ENCODE_ERROR, ": " + e, e);
        } finally {
            inside.decrement();
        }
    }

    private void late(E event) {
        fates.accepted();
        fates.dropped(event, DropReason.STOPPED, ": logged after the appender stopped", null);
    }

    private void submitDurably(E event, int size) {
        Pending<E> pending = new Pending<>(event, size, null, -1);
        EncodedRecord record = fallback.encode(pending);
        if (record == null) {
            return; // quarantined as text, or dropped
        }
        long position;
        try {
            position = journal.append(record);
        } catch (Throwable e) { // a fault in the mapped file (the disk went away): spool instead
            position = Journal.FULL;
        }
        Pending<E> journaled = new Pending<>(event, size + record.sizeInBytes(), record, position);
        if (position == Journal.FULL) {
            overflow(journaled);
        } else if (!buffer.offer(journaled, journaled.size)) {
            journal.orphan(position); // safe in the journal: the sender reads it from there, no disk I/O here
        }
    }

    /**
     * The buffer is full: the spiller takes it, or the overflow policy applies here. {@code spool} waits
     * for the spiller to make room while it makes progress (like a file appender waiting for its disk)
     * and writes the event itself only when the spiller is stuck or stopping.
     */
    private void overflow(Pending<E> pending) {
        if (spiller.offer(pending)) {
            return;
        }
        if (policy == Overflow.DROP) {
            fates.dropped(pending.event, DropReason.BUFFER_FULL, "", null);
            return;
        }
        // An application thread may log with its interrupt flag set (a cancelled task). Parking would then
        // return at once and spin, and a FileChannel written on an interrupted thread closes itself under
        // every other writer, losing the write. The flag is set aside for the wait and the write, then given back.
        boolean interrupted = Thread.interrupted();
        try {
            if (!spiller.offerWaiting(pending) && fallback.encode(pending) != null) {
                fallback.spool(pending, SpoolReason.OVERFLOW);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int estimate(E event) {
        try {
            return Math.max(64, codec.estimateSize(event));
        } catch (Throwable e) {
            return 1024;
        }
    }

    /**
     * Closes the gate and waits (until the deadline) for calls still inside. Returns whether none is left.
     */
    boolean close(long deadline) {
        closed = true;
        long park = TimeUnit.MICROSECONDS.toNanos(50);
        while (inside.sum() != 0) {
            if (clock.getAsLong() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(park);
            park = Math.min(park * 2, TimeUnit.MILLISECONDS.toNanos(5));
        }
        return true;
    }
}
