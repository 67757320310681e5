package io.github.nodrop.benchmarks;

import java.util.BitSet;

/**
 * Counts distinct benchmark events where a contender delivers them (a topic, a file), on a thread of its
 * own, and remembers when the last new one arrived and when the expected number was reached.
 *
 * <p>Counters are written by the counting thread only and read by the harness through volatile fields.
 */
abstract class DeliveryCounter implements AutoCloseable {

    private final int expected;
    private final BitSet seen;
    private final Thread thread;
    private volatile boolean closed;
    private volatile int distinct;
    private volatile long duplicates;
    private volatile long foreign;
    private volatile long lastNewNanos;
    private volatile long completeNanos;
    private volatile Exception failure;

    DeliveryCounter(String name, int expected) {
        this.expected = expected;
        this.seen = new BitSet(expected);
        this.thread = new Thread(this::loop, "bench-count-" + name);
        this.thread.setDaemon(true);
    }

    final void start() {
        thread.start();
    }

    /** Reads whatever has arrived since the last call and passes each event to {@link #count}. */
    abstract void poll() throws Exception;

    abstract void release();

    private void loop() {
        try {
            while (!closed) {
                poll();
            }
        } catch (Exception e) {
            failure = e;
        } finally {
            release();
        }
    }

    /** Counts one delivered value; {@code seq} is -1 for something that is not a benchmark event. */
    final synchronized void count(int seq) {
        if (seq < 0 || seq >= expected) {
            foreign++;
        } else if (seen.get(seq)) {
            duplicates++;
        } else {
            seen.set(seq);
            int now = distinct + 1;
            long at = System.nanoTime();
            lastNewNanos = at;
            distinct = now;
            if (now == expected) {
                completeNanos = at;
            }
        }
    }

    /** How many of the events {@code from} (inclusive) to {@code to} (exclusive) were counted. */
    synchronized int countedIn(int from, int to) {
        return seen.get(from, to).cardinality();
    }

    int distinct() {
        return distinct;
    }

    long duplicates() {
        return duplicates;
    }

    long foreign() {
        return foreign;
    }

    /** When the last new event was counted ({@link System#nanoTime()}), or 0 when none was. */
    long lastNewNanos() {
        return lastNewNanos;
    }

    /** When every expected event had been counted, or 0 while some are missing. */
    long completeNanos() {
        return completeNanos;
    }

    Exception failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.join(10_000);
    }
}
