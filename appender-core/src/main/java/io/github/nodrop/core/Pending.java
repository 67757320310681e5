package io.github.nodrop.core;

/**
 * One accepted event on its way from the application to its fate: the framework's event, its estimated
 * size, its encoded record once there is one (in durable mode from the start), and its journal position
 * ({@code -1} without a journal).
 */
final class Pending<E> {

    final E event;
    final int size;
    final long journalPosition;
    EncodedRecord record;
    int attempts;

    Pending(E event, int size, EncodedRecord record, long journalPosition) {
        this.event = event;
        this.size = size;
        this.record = record;
        this.journalPosition = journalPosition;
    }

    static int sizeOf(Pending<?> pending) {
        return pending.size;
    }
}
