package io.github.nodrop.core;

/**
 * Told about every event that Kafka did not take at first try: spooled to the fallback files, quarantined,
 * or dropped. The Logback adapter uses it to feed its {@code <appender-ref>} appenders. Called on the
 * thread that made the decision (the sender thread, or the application's thread on overflow); must not
 * block for long. Whatever it throws is caught and reported.
 *
 * @param <E> the framework's event type
 */
public interface UndeliveredListener<E> {

    /** The event was written to the fallback spool. */
    default void spooled(E event, SpoolReason reason) {}

    /** The event was written to {@code quarantine/}: Kafka or the encoder refused it for good. */
    default void quarantined(E event, QuarantineReason reason) {}

    /** The event is lost: the spool is full or unwritable, or it could not be encoded at all. */
    default void dropped(E event, DropReason reason) {}
}
