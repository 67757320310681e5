package io.github.nodrop.core;

/** Why an event was lost. Only these; everything else is acked, spooled or quarantined. */
public enum DropReason {
    /** The spool (or the quarantine) reached {@code maxFallbackTotalSize}. */
    SPOOL_FULL,
    /** Writing the spool failed: disk full, I/O error, directory gone, permissions. */
    SPOOL_ERROR,
    /**
     * The buffer and the spiller's queue were both full and {@code overflow} is {@code drop}: the appender
     * was told to drop rather than make the logging thread write to disk.
     */
    BUFFER_FULL,
    /** The encoder threw and not even a plain-text rendering of the event could be made. */
    ENCODE_ERROR,
    /**
     * The appender had stopped: the event arrived after {@code stop()}, or a thread of the appender was stuck
     * past the shutdown timeout holding it (in a user's encoder, say).
     */
    STOPPED
}
