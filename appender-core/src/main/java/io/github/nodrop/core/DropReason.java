package io.github.nodrop.core;

/** Why an event was lost. Only these; everything else is delivered or spooled. */
public enum DropReason {
    /** The spool reached {@code maxFallbackTotalSize}. */
    SPOOL_FULL,
    /** Writing the spool failed: disk full, directory gone, permissions. */
    SPOOL_ERROR,
    /** The encoder threw, so there were no bytes to send or spool. */
    ENCODE_ERROR,
    /** Kafka refuses this record for good (larger than {@code max.request.size}, say); retrying cannot help. */
    REJECTED
}
