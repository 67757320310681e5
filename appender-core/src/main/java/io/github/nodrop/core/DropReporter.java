package io.github.nodrop.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reports drops without flooding the status log: the first drop at once, then one summary at most every
 * {@link #INTERVAL_NANOS} with the count so far ("dropped 1234 events (and counting)"). Thread-safe.
 */
final class DropReporter {

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String prefix;
    private final StatusListener status;
    private final LongSupplier nanoClock;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong reportedAt = new AtomicLong();
    private volatile boolean reportedOnce;

    DropReporter(String prefix, StatusListener status, LongSupplier nanoClock) {
        this.prefix = prefix;
        this.status = status;
        this.nanoClock = nanoClock;
    }

    void dropped(DropReason reason, String detail, Throwable cause) {
        long count = dropped.incrementAndGet();
        long now = nanoClock.getAsLong();
        long last = reportedAt.get();
        if (!reportedOnce || now - last >= INTERVAL_NANOS) {
            if (reportedAt.compareAndSet(last, now) || !reportedOnce) {
                reportedOnce = true;
                String text = count == 1
                        ? "dropped an event (" + describe(reason) + detail + "); further drops are summarised"
                        : "dropped " + count + " events (and counting); latest: " + describe(reason) + detail;
                status.warn(prefix + text, cause);
            }
        }
    }

    long count() {
        return dropped.get();
    }

    static String describe(DropReason reason) {
        switch (reason) {
            case SPOOL_FULL:
                return "fallback spool is at maxFallbackTotalSize";
            case SPOOL_ERROR:
                return "fallback spool cannot be written";
            case ENCODE_ERROR:
                return "the encoder failed";
            default:
                return "Kafka refuses the record for good";
        }
    }
}
