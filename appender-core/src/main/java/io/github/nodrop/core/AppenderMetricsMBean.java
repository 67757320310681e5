package io.github.nodrop.core;

/**
 * The counters of one appender, as JMX shows them under {@code io.github.nodrop:type=KafkaAppender,
 * name=<appender>}. Every accepted event ends in exactly one of acked, spooled or dropped (or is still
 * buffered or in flight); replayed counts spooled records later acknowledged by Kafka.
 */
public interface AppenderMetricsMBean {

    long getAccepted();

    long getAcked();

    long getSpooledOverflow();

    long getSpooledFailed();

    long getSpooledShutdown();

    long getSpooled();

    long getReplayed();

    long getDroppedSpoolFull();

    long getDroppedSpoolError();

    long getDroppedEncodeError();

    long getDroppedRejected();

    long getDropped();

    int getBufferDepth();

    long getBufferBytes();

    long getInFlight();

    long getSpoolBytes();

    boolean isKafkaAvailable();
}
