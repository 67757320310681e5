package io.github.nodrop.core;

/**
 * Why a record was put in {@code quarantine/} under the fallback directory instead of Kafka. Quarantined
 * records are kept, reported and never sent again on their own; {@code SpoolDump --requeue} puts them back.
 */
public enum QuarantineReason {
    /**
     * Kafka refuses the record for good: larger than the broker or topic allows, a timestamp outside the
     * topic's limits, a record the broker's validation rejects. Retrying cannot help until the topic changes.
     */
    REFUSED,
    /** The encoder or layout threw; the record holds a plain-text rendering of the event instead. */
    ENCODE_ERROR
}
