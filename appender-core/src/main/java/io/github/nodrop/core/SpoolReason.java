package io.github.nodrop.core;

/** Why an event went to the fallback spool instead of Kafka. */
public enum SpoolReason {
    /** The in-memory buffer was full when the application logged it. */
    OVERFLOW,
    /** Kafka rejected it, timed out, or was unreachable. */
    FAILED,
    /** The appender stopped before Kafka acknowledged it. */
    SHUTDOWN
}
