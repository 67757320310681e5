package io.github.nodrop.core;

import io.github.nodrop.core.internal.EventBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The spiller thread: takes the events the buffer had no room for and writes them to the spool in
 * batches, so an overflow costs the logging thread a hand-off into a second bounded queue instead of a
 * disk write under the spool's lock. Only when this queue is full too (the disk is slower than the
 * logging rate) does the overflow policy apply on the logging thread.
 *
 * <p>Never dies: a failing turn is reported and followed by the next. At stop it writes what it holds; a
 * stopping thread may {@link #finish} for it, each event being drained once.
 *
 * @param <E> the framework's event type
 */
final class Spiller<E> implements Runnable {

    private static final int BATCH = 512;
    private static final long IDLE_WAIT_MILLIS = 50;
    private static final long ERROR_REPORT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final EventBuffer<Pending<E>> queue;
    private final long queueBytes;
    private final Fallback<E> fallback;
    private final StatusListener status;
    private final String prefix;
    private final LongSupplier clock;
    private final Fallback<E>.Batch batch;
    /** How long a caller waits for room while this thread takes nothing, before it writes itself. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * How long a caller waits at most, even while this thread makes progress: new events may take the room
     * it frees before a waiting caller sees it, and a logging call must end. After that it writes itself.
     */
    static final long LONGEST_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private static final long MIN_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long MAX_WAIT_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private volatile boolean stopping;
    /** Counts the turns that took events: a caller waiting for room sees it move while this thread works. */
    private volatile long progress;
    /** The progress at which a caller last found this thread stuck: later callers do not wait on it again. */
    private volatile long stuckAt = -1;

    private long lastErrorReport;

    Spiller(
            EventBuffer<Pending<E>> queue,
            long queueBytes,
            Fallback<E> fallback,
            StatusListener status,
            String prefix,
            LongSupplier clock) {
        this.queue = queue;
        this.queueBytes = queueBytes;
        this.fallback = fallback;
        this.status = status;
        this.prefix = prefix;
        this.clock = clock;
        this.batch = fallback.batch();
    }

    /** Hands an event over; false when the queue is full. Any thread, never blocks. */
    boolean offer(Pending<E> pending) {
        return queue.offer(pending, pending.size);
    }

    /**
     * Back-pressure: waits for room in the queue for as long as this thread keeps taking events, parking
     * between tries (no lock, no spinning on a contended monitor). Returns false, for the caller to write
     * the event itself, when the spiller is stopping or took nothing for {@link #STALL_NANOS} (it is stuck
     * on a hanging disk); until it moves again, later calls do not wait for it.
     */
    boolean offerWaiting(Pending<E> pending) {
        if (pending.size > queueBytes) {
            return false; // larger than the whole queue: no wait would ever make room for it
        }
        long seen = progress;
        if (seen == stuckAt) {
            return false; // still stuck where a caller gave up on it
        }
        long since = clock.getAsLong();
        long began = since;
        long park = MIN_WAIT_NANOS;
        while (!stopping) {
            if (queue.offer(pending, pending.size)) {
                return true;
            }
            LockSupport.parkNanos(park);
            park = Math.min(park * 2, MAX_WAIT_NANOS);
            long now = clock.getAsLong();
            long current = progress;
            if (current != seen) {
                seen = current;
                since = now;
            } else if (now - since >= STALL_NANOS) {
                stuckAt = current;
                return false;
            }
            if (now - began >= LONGEST_WAIT_NANOS) {
                return false; // the spiller works, but this caller has waited long enough: it writes itself
            }
        }
        return false;
    }

    int depth() {
        return queue.size();
    }

    /** Writes what is queued, then ends. */
    void shutdown() {
        stopping = true;
    }

    @Override
    public void run() {
        while (true) {
            try {
                if (turn(batch, stopping ? 0 : IDLE_WAIT_MILLIS) == 0 && stopping && queue.size() == 0) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable e) {
                long now = clock.getAsLong();
                if (lastErrorReport == 0 || now - lastErrorReport >= ERROR_REPORT_NANOS) {
                    lastErrorReport = now;
                    status.error(prefix + "the spiller failed (" + e + "); it goes on", e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    private int turn(Fallback<E>.Batch into, long waitMillis) throws InterruptedException {
        List<Pending<E>> drained = new ArrayList<>(Math.min(BATCH, Math.max(16, queue.size())));
        int count = queue.drainTo(drained, BATCH, waitMillis, TimeUnit.MILLISECONDS);
        if (count > 0) {
            progress++; // one writer: this thread (or the stopping one once this thread is done)
        }
        for (Pending<E> pending : drained) {
            if (fallback.encode(pending) != null) {
                into.add(pending, SpoolReason.OVERFLOW);
            }
        }
        into.write();
        return count;
    }

    /** Writes what is still queued, on the stopping thread. */
    void finish() {
        Fallback<E>.Batch own = fallback.batch();
        try {
            while (turn(own, 0) > 0) {
                // until the queue is empty
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
