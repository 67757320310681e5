package io.github.nodrop.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;

/**
 * Holds one Kafka producer of the engine (the live sender's or the replayer's) and replaces it when it
 * breaks. Creation is retried with a backoff that doubles from {@code retryInterval} to 30 seconds, and
 * a failure is reported once per distinct cause, not once per attempt. A producer that can send no more
 * (closed, fenced, a fatal idempotence error) is closed at once, which fails what it still holds into the
 * engine's usual failure path, and a new one is made after the backoff.
 *
 * <p>Created and replaced on its owner thread only; {@link #close} may come from the stopping thread.
 */
final class ProducerSlot {

    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final String role;
    private final ProducerFactory factory;
    private final Map<String, Object> config;
    private final StatusListener status;
    private final String prefix;
    private final LongSupplier clock;
    private final long minBackoff;
    private volatile Producer<byte[], byte[]> current;
    private long backoff;
    private long nextAttempt;
    private String lastFailure;
    private int created;

    ProducerSlot(
            String role,
            ProducerFactory factory,
            Map<String, Object> config,
            StatusListener status,
            String prefix,
            LongSupplier clock,
            Duration retryInterval) {
        this.role = role;
        this.factory = factory;
        this.config = config;
        this.status = status;
        this.prefix = prefix;
        this.clock = clock;
        this.minBackoff = retryInterval.toNanos();
        this.backoff = minBackoff;
    }

    /** The producer, or {@code null} while none could be made. */
    Producer<byte[], byte[]> current() {
        return current;
    }

    /** Makes the producer if there is none and the backoff has passed; returns whether there is one now. */
    boolean maintain() {
        if (current != null) {
            return true;
        }
        long now = clock.getAsLong();
        if (now - nextAttempt < 0) {
            return false;
        }
        try {
            current = factory.create(config);
            created++;
            if (lastFailure != null) {
                status.info(prefix + "the " + role + " Kafka producer could be created again");
            }
            lastFailure = null;
            backoff = minBackoff;
            return current != null;
        } catch (Throwable e) { // a LinkageError from a missing class must not end the thread
            String why = String.valueOf(e.getMessage());
            if (!why.equals(lastFailure)) {
                status.error(
                        prefix + "cannot create the " + role + " Kafka producer (" + e
                                + "); events go to the fallback spool until it can",
                        e);
            }
            lastFailure = why;
            schedule(now);
            return false;
        }
    }

    /** The producer can send no more: close it now and make another after the backoff. */
    void broken(Producer<byte[], byte[]> producer, Throwable cause) {
        if (producer == null || producer != current) {
            return; // already replaced
        }
        current = null;
        status.warn(prefix + "the " + role + " Kafka producer failed for good (" + cause + "); replacing it", cause);
        closeQuietly(producer, Duration.ZERO);
        schedule(clock.getAsLong());
    }

    /** How many producers were made so far. */
    int created() {
        return created;
    }

    /** Closes the producer, waiting up to the timeout for what it holds; its callbacks have all run after. */
    void close(Duration timeout) {
        Producer<byte[], byte[]> producer = current;
        current = null;
        if (producer != null) {
            closeQuietly(producer, timeout);
        }
    }

    private void closeQuietly(Producer<byte[], byte[]> producer, Duration timeout) {
        try {
            producer.close(timeout);
        } catch (Throwable e) {
            status.warn(prefix + "closing the " + role + " Kafka producer failed: " + e, e);
        }
    }

    private void schedule(long now) {
        nextAttempt = now + backoff;
        backoff = Math.min(backoff * 2, Math.max(MAX_BACKOFF_NANOS, minBackoff));
    }
}
