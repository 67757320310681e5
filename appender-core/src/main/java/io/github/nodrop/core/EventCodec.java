package io.github.nodrop.core;

/**
 * Turns a framework's log event into bytes. Supplied by each framework adapter.
 *
 * <p>{@link #estimateSize} runs on the application's thread and must be cheap; {@link #encode} runs on
 * the engine's sender thread, or on the application's thread when the buffer is full. Both may throw:
 * the engine counts the event as dropped with the reason and reports it.
 *
 * @param <E> the framework's event type, already safe to read from another thread
 */
public interface EventCodec<E> {

    EncodedRecord encode(E event);

    /** Approximate heap bytes the event holds while buffered. */
    int estimateSize(E event);
}
