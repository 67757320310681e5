package io.github.nodrop.core;

/**
 * Turns a framework's log event into bytes. Supplied by each framework adapter.
 *
 * <p>{@link #estimateSize} runs on the application's thread and must be cheap. {@link #encode} runs on the
 * engine's sender thread, or on the application's thread when the buffer is full or in durable mode, so
 * it may run on several threads at once (as Logback's and Log4j2's own file appenders call their encoders).
 * Any of them may throw, {@link Error}s included: the engine gives that event a fate of its own and goes on.
 *
 * @param <E> the framework's event type, already safe to read from another thread
 */
public interface EventCodec<E> {

    EncodedRecord encode(E event);

    /** Approximate heap bytes the event holds while buffered. */
    int estimateSize(E event);

    /**
     * A plain-text rendering of the event (time, level, logger, message), used when {@link #encode} threw so
     * the event is kept in quarantine rather than lost. Must not use the encoder that failed.
     */
    default String fallbackText(E event) {
        return String.valueOf(event);
    }
}
