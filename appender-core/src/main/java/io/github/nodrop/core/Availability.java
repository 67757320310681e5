package io.github.nodrop.core;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether Kafka takes records now, as the engine believes. A failed send marks it unavailable (from any
 * thread, Kafka's network thread included: only a flag and the cause are stored); the replay thread's
 * probe marks it available again. While unavailable the sender spools instead of calling Kafka, so no
 * thread of the engine sits in Kafka's {@code max.block.ms} waits while events pile up. The sender thread
 * reports the changes, so nothing is reported on Kafka's threads.
 */
final class Availability {

    private final StatusListener status;
    private final String prefix;
    private final String spooling;
    private final AtomicReference<Throwable> unreportedLoss = new AtomicReference<>();
    private volatile boolean available = true;
    private volatile boolean unreportedRestore;
    private volatile long epoch;

    Availability(StatusListener status, String prefix, String spooling) {
        this.status = status;
        this.prefix = prefix;
        this.spooling = spooling;
    }

    boolean available() {
        return available;
    }

    /** Counts the outages that ended; a send records it, so its failure can tell whether it is stale. */
    long epoch() {
        return epoch;
    }

    void lost(Throwable cause) {
        if (available) {
            available = false;
            unreportedLoss.set(cause);
        }
    }

    /**
     * A failure of a record sent in {@code sentInEpoch}: it marks Kafka unavailable only if no outage ended
     * since that send. A batch that timed out during the last outage and reports it after Kafka came back
     * says nothing about Kafka now.
     */
    void lost(Throwable cause, long sentInEpoch) {
        if (sentInEpoch == epoch) {
            lost(cause);
        }
    }

    void restored() {
        if (!available) {
            epoch++;
            available = true;
            unreportedRestore = true;
        }
    }

    /** Reports what changed since the last call; sender thread only. */
    void report(String restoredDetail) {
        Throwable cause = unreportedLoss.getAndSet(null);
        if (cause != null) {
            if (KafkaErrors.isSecurityFailure(cause)) {
                status.error(
                        prefix + "Kafka refuses this appender's credentials or certificate, or its permissions ("
                                + cause.getMessage() + "); " + spooling + ". Fix the security settings in the"
                                + " producer config.",
                        null);
            } else {
                status.warn(prefix + "Kafka is unavailable (" + cause + "); " + spooling, null);
            }
        }
        if (unreportedRestore) {
            unreportedRestore = false;
            status.info(prefix + "Kafka is available again" + restoredDetail);
        }
    }
}
