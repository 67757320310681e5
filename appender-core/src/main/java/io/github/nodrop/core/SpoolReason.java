package io.github.nodrop.core;

/** Why an event went to the fallback spool instead of Kafka. */
public enum SpoolReason {
    /** The in-memory buffer (or, in durable mode, the journal) was full when the application logged it. */
    OVERFLOW,
    /** Kafka failed, timed out, was unreachable, or refused this appender's credentials. */
    FAILED,
    /** The appender stopped before Kafka acknowledged it. */
    SHUTDOWN
}
