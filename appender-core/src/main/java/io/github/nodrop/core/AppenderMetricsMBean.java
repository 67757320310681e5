package io.github.nodrop.core;

/**
 * The counters of one appender, as JMX shows them under {@code io.github.nodrop:type=KafkaAppender,
 * name=<appender>} (plus {@code instance=N} when several appenders share a name).
 *
 * <p>Every accepted event ends in exactly one of acked, spooled, quarantined or dropped; until then it is
 * pending (buffered or in flight). So {@code Accepted = Acked + Spooled + Quarantined + Dropped + Pending}
 * at all times, and {@code Pending} is 0 once the appender has stopped. Replayed and ReplayQuarantined count
 * records leaving the spool (which may hold records of earlier runs and other processes); Recovered counts
 * records a durable appender found un-acknowledged in its journal at start and moved to the spool.
 */
public interface AppenderMetricsMBean {

    long getAccepted();

    long getAcked();

    long getSpooled();

    long getSpooledOverflow();

    long getSpooledFailed();

    long getSpooledShutdown();

    long getQuarantined();

    long getQuarantinedRefused();

    long getQuarantinedEncodeError();

    long getDropped();

    long getDroppedSpoolFull();

    long getDroppedSpoolError();

    long getDroppedEncodeError();

    long getDroppedStopped();

    long getDroppedBufferFull();

    long getPending();

    long getReplayed();

    long getReplayQuarantined();

    long getRecovered();

    /**
     * Events of Kafka's own loggers, or logged on the appender's and Kafka's threads, kept out of Kafka so
     * the appender never feeds on its own traffic. Not accepted, so outside the sum above: a count that
     * grows says the Kafka client is talking (see its own logs), not that an event was lost.
     */
    long getSkippedClientEvents();

    int getBufferDepth();

    long getBufferBytes();

    long getInFlight();

    long getSpoolBytes();

    long getJournalBytes();

    boolean isKafkaAvailable();

    boolean isDurable();
}
