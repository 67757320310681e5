package io.github.nodrop.core;

import io.github.nodrop.core.internal.EventBuffer;
import io.github.nodrop.core.internal.Journal;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The sender thread: drains the buffer, encodes, sends, and routes what Kafka answers.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Never dies: any {@link Throwable} while handling one event affects that event only, and one failing
 *       turn of the loop is reported and followed by the next.
 *   <li>While Kafka is unavailable (or the producer cannot be made) it spools instead of sending, so no
 *       event waits for Kafka in memory; the replay thread's probe makes Kafka available again.
 *   <li>Routes each failure by its kind ({@link KafkaErrors}): a record refused for good to the quarantine,
 *       a batch-mate of one back to Kafka, everything else to the spool; a broken producer is replaced.
 *   <li>Does the disk I/O Kafka's callbacks must not: they only count or queue.
 *   <li>Can be taken over: the events it has in hand are claimed one at a time, so if it is stuck past the
 *       shutdown timeout (in a user's encoder, say), the stopping thread {@link #finish}es its work and each
 *       event still gets one fate.
 * </ul>
 *
 * @param <E> the framework's event type
 */
final class Sender<E> implements Runnable {

    static final int RUN = 0;
    static final int DRAIN = 1;
    static final int SPOOL_NOW = 2;
    private static final int BATCH = 512;
    private static final int MAX_ATTEMPTS = 5;
    private static final long IDLE_WAIT_MILLIS = 50;
    private static final long ERROR_REPORT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AppenderConfig config;
    private final EventBuffer<Pending<E>> buffer;
    private final Journal journal;
    private final Fallback<E> fallback;
    private final AppenderMetrics metrics;
    private final Availability kafka;
    private final ProducerSlot producers;
    private final StatusListener status;
    private final String prefix;
    private final LongSupplier clock;
    private final Queue<Delivery<E>> failures = new ConcurrentLinkedQueue<>();
    private final Queue<Pending<E>> resend = new ConcurrentLinkedQueue<>();
    private final Set<Delivery<E>> inFlight = ConcurrentHashMap.newKeySet();
    private final Fallback<E>.Batch toSpool;
    private final long syncNanos;
    private volatile InHand<E> inHand = new InHand<>(new ArrayList<>());
    private volatile int mode = RUN;
    private boolean orphansWaiting;
    private long nextSync;
    private long lastErrorReport;
    private String restoredDetail = "";

    Sender(
            AppenderConfig config,
            EventBuffer<Pending<E>> buffer,
            Journal journal,
            Fallback<E> fallback,
            AppenderMetrics metrics,
            Availability kafka,
            ProducerSlot producers,
            StatusListener status,
            String prefix,
            LongSupplier clock) {
        this.config = config;
        this.buffer = buffer;
        this.journal = journal;
        this.fallback = fallback;
        this.metrics = metrics;
        this.kafka = kafka;
        this.producers = producers;
        this.status = status;
        this.prefix = prefix;
        this.clock = clock;
        this.toSpool = fallback.batch();
        this.syncNanos = config.journalSyncInterval().toNanos();
        if (config.replayFallback()) {
            restoredDetail = "; replaying the fallback spool";
        }
    }

    /** Stop taking new work from Kafka's point of view: drain the buffer (or, with {@code now}, spool it). */
    void shutdown(boolean now) {
        mode = now ? SPOOL_NOW : DRAIN;
    }

    int inFlight() {
        return inFlight.size();
    }

    @Override
    public void run() {
        while (true) {
            try {
                if (turn()) {
                    return;
                }
            } catch (Throwable e) {
                reportLoopFailure(e);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
        }
    }

    /** One turn of the loop; true when the sender is done (shutting down and nothing left). */
    private boolean turn() throws InterruptedException {
        if (mode != SPOOL_NOW) {
            producers.maintain(); // also while draining: a stop right after start still delivers
        }
        kafka.report(restoredDetail);
        List<Pending<E>> drained = new ArrayList<>(Math.min(BATCH, Math.max(16, buffer.size())));
        // no idling while the journal holds orphans: they wait for this thread alone
        buffer.drainTo(drained, BATCH, mode == RUN && !orphansWaiting ? IDLE_WAIT_MILLIS : 0, TimeUnit.MILLISECONDS);
        InHand<E> batch = new InHand<>(drained);
        inHand = batch;
        // failures first: what failed was logged before what was just drained, so fallbacks see log order
        routeFailures(toSpool, false);
        for (Pending<E> again; (again = resend.poll()) != null; ) {
            handle(again);
        }
        for (Pending<E> pending; (pending = batch.claim()) != null; ) {
            handle(pending);
        }
        int orphans = 0;
        for (Pending<E> orphan; orphans < BATCH && journal != null && (orphan = nextOrphan()) != null; orphans++) {
            handle(orphan);
        }
        boolean moreOrphans = orphans == BATCH; // the scan stopped at its limit, not at the end
        orphansWaiting = moreOrphans;
        toSpool.write();
        maintainJournal();
        String notice = fallback.takeNotice();
        if (notice != null) {
            status.warn(prefix + notice, null);
        }
        if (mode != RUN && buffer.size() == 0 && resend.isEmpty() && !moreOrphans) {
            routeFailures(toSpool, false);
            toSpool.write();
            return resend.isEmpty() && buffer.size() == 0;
        }
        return false;
    }

    private void handle(Pending<E> pending) {
        if (journal != null) {
            journal.claim(pending.journalPosition); // lets the orphan scan pass it
        }
        try {
            EncodedRecord record = fallback.encode(pending);
            if (record == null) {
                return; // the encoder failed; the event has its fate
            }
            Producer<byte[], byte[]> producer = producers.current();
            if (mode == SPOOL_NOW || producer == null || !kafka.available()) {
                toSpool.add(pending, mode == RUN ? SpoolReason.FAILED : SpoolReason.SHUTDOWN);
                return;
            }
            send(producer, pending, record);
        } catch (Throwable e) {
            if (pending.record == null) {
                fallback.encodeFailed(pending, e);
            } else {
                toSpool.add(pending, SpoolReason.FAILED);
            }
        }
    }

    private void send(Producer<byte[], byte[]> producer, Pending<E> pending, EncodedRecord record) {
        Delivery<E> delivery = new Delivery<>(pending, producer, metrics, journal, kafka, failures, inFlight);
        inFlight.add(delivery);
        try {
            producer.send(producerRecord(config.topic(), config.partition(), record), delivery);
        } catch (Throwable e) {
            // Kafka fails fast here for a closed or broken producer, or after max.block.ms without metadata
            if (KafkaErrors.classify(e) == KafkaErrors.PRODUCER_BROKEN) {
                producers.broken(producer, e);
            }
            delivery.fail(e);
        }
    }

    /** Gives each failed delivery its next step; {@code stopping} spools what would be sent again. */
    private void routeFailures(Fallback<E>.Batch spool, boolean stopping) {
        for (Delivery<E> failed; (failed = failures.poll()) != null; ) {
            Pending<E> pending = failed.pending;
            Throwable error = failed.error;
            SpoolReason reason = stopping || mode != RUN ? SpoolReason.SHUTDOWN : SpoolReason.FAILED;
            switch (KafkaErrors.classify(error)) {
                case REFUSED:
                    fallback.quarantine(pending, pending.record, QuarantineReason.REFUSED, error);
                    break;
                case BATCH_MATE:
                    if (!stopping && mode != SPOOL_NOW && ++pending.attempts < MAX_ATTEMPTS) {
                        resend.add(pending);
                    } else {
                        spool.add(pending, reason);
                    }
                    break;
                case PRODUCER_BROKEN:
                    producers.broken(failed.producer, error);
                    spool.add(pending, reason);
                    break;
                default:
                    kafka.lost(error, failed.epoch());
                    spool.add(pending, reason);
            }
        }
    }

    /** A journaled event the buffer had no room for, read back from the journal, or {@code null}. */
    private Pending<E> nextOrphan() {
        long position = journal.nextOrphan();
        return position < 0 ? null : new Pending<>(null, 0, journal.read(position), position);
    }

    private void maintainJournal() {
        if (journal == null) {
            return;
        }
        journal.release();
        if (syncNanos > 0 && clock.getAsLong() - nextSync >= 0) {
            journal.force();
            nextSync = clock.getAsLong() + syncNanos;
        }
    }

    /**
     * Settles everything the sender still holds, on the stopping thread, once the producer is closed (so
     * Kafka has answered all it will): failures are routed, sends Kafka never answered and events not yet
     * sent are spooled. Safe while a stuck sender thread is still alive: every hand-over is claimed once.
     */
    void finish() {
        mode = SPOOL_NOW;
        Fallback<E>.Batch spool = fallback.batch();
        for (Delivery<E> delivery : inFlight) {
            if (delivery.abandon()) {
                spool.add(delivery.pending, SpoolReason.SHUTDOWN);
            }
        }
        routeFailures(spool, true); // after: a delivery that failed is queued before it leaves inFlight
        for (Pending<E> again; (again = resend.poll()) != null; ) {
            spool.add(again, SpoolReason.SHUTDOWN);
        }
        InHand<E> batch = inHand;
        for (Pending<E> pending; (pending = batch.claim()) != null; ) {
            if (fallback.encode(pending) != null) {
                spool.add(pending, SpoolReason.SHUTDOWN);
            }
        }
        for (Pending<E> orphan; journal != null && (orphan = nextOrphan()) != null; ) {
            spool.add(orphan, SpoolReason.SHUTDOWN);
        }
        List<Pending<E>> rest = new ArrayList<>();
        try {
            while (buffer.drainTo(rest, BATCH, 0, TimeUnit.MILLISECONDS) > 0) {
                for (Pending<E> pending : rest) {
                    if (fallback.encode(pending) != null) {
                        spool.add(pending, SpoolReason.SHUTDOWN);
                    }
                }
                rest.clear();
                spool.write();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spool.write();
        if (journal != null) {
            journal.release();
        }
    }

    private void reportLoopFailure(Throwable e) {
        long now = clock.getAsLong();
        if (lastErrorReport == 0 || now - lastErrorReport >= ERROR_REPORT_NANOS) {
            lastErrorReport = now;
            status.error(prefix + "the sender loop failed (" + e + "); it goes on", e);
        }
    }

    static ProducerRecord<byte[], byte[]> producerRecord(String topic, Integer partition, EncodedRecord record) {
        return new ProducerRecord<>(
                topic, partition, record.timestamp(), record.key(), record.value(), record.headers());
    }

    /** The events drained in one turn, each claimed once by the sender or by a stopping thread. */
    static final class InHand<E> {
        private final List<Pending<E>> items;
        private final AtomicInteger next = new AtomicInteger();

        InHand(List<Pending<E>> items) {
            this.items = items;
        }

        Pending<E> claim() {
            int index = next.getAndIncrement();
            return index < items.size() ? items.get(index) : null;
        }
    }
}
