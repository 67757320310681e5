package io.github.nodrop.core;

import java.util.Locale;

/**
 * What a logging call does when the buffer and the spiller's queue are both full: the disk is slower
 * than the logging rate (or Kafka is away and the spool is being written as fast as it can).
 */
public enum Overflow {
    /** The logging thread writes the event to the spool itself: back-pressure, as a file appender gives. */
    SPOOL,
    /** The event is dropped and counted ({@code DroppedBufferFull}): the logging thread never waits for a disk. */
    DROP;

    public static Overflow parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not one of spool, drop");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
