package io.github.nodrop.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The one place where an event's fate is recorded: the counter moves, the undelivered-event listener hears
 * of it, and losses are reported without flooding (the first at once, then "dropped N events (and
 * counting)" at most every ten seconds). Each method is called exactly once per event, by whichever thread
 * settled it. At stop, {@link #check} proves {@code accepted = acked + spooled + quarantined + dropped}.
 *
 * <p>Thread-safe. Never throws: a listener that throws is reported and ignored.
 *
 * @param <E> the framework's event type
 */
final class Fates<E> {

    static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AppenderMetrics metrics;
    private final UndeliveredListener<E> listener;
    private final StatusListener status;
    private final String prefix;
    private final LongSupplier nanoClock;
    private final Summary drops = new Summary();
    private final Summary quarantines = new Summary();

    Fates(
            AppenderMetrics metrics,
            UndeliveredListener<E> listener,
            StatusListener status,
            String prefix,
            LongSupplier nanoClock) {
        this.metrics = metrics;
        this.listener = listener == null ? new UndeliveredListener<>() {} : listener;
        this.status = status;
        this.prefix = prefix;
        this.nanoClock = nanoClock;
    }

    void accepted() {
        metrics.accepted.increment();
    }

    void acked() {
        metrics.acked.increment();
    }

    void spooled(E event, SpoolReason reason) {
        metrics.countSpooled(reason);
        if (event != null) {
            notifyListener(() -> listener.spooled(event, reason));
        }
    }

    void quarantined(E event, QuarantineReason reason, String why, Throwable cause) {
        metrics.countQuarantined(reason);
        report(quarantines, false, "quarantined", describe(reason) + ": " + why, cause);
        if (event != null) {
            notifyListener(() -> listener.quarantined(event, reason));
        }
    }

    void dropped(E event, DropReason reason, String detail, Throwable cause) {
        metrics.countDropped(reason);
        report(drops, true, "dropped", describe(reason) + detail, cause);
        if (event != null) {
            notifyListener(() -> listener.dropped(event, reason));
        }
    }

    /** A spooled record Kafka has now acknowledged. */
    void replayed() {
        metrics.replayed.increment();
    }

    /** A spooled record Kafka refused for good on replay, now in quarantine. */
    void replayQuarantined(String why, Throwable cause) {
        metrics.replayQuarantined.increment();
        report(
                quarantines,
                false,
                "quarantined",
                "a spooled record: " + describe(QuarantineReason.REFUSED) + ": " + why,
                cause);
    }

    /**
     * Checks the sum every accepted event must keep once nothing is pending, and reports any difference as
     * an error. Returns the difference (0 when every event has its fate).
     */
    long check() {
        long pending = metrics.getPending();
        if (pending != 0) {
            status.error(
                    prefix + pending + " accepted events have no known fate after stop (accepted="
                            + metrics.getAccepted()
                            + " but acked + spooled + quarantined + dropped = "
                            + (metrics.getAccepted() - pending) + "); they were held by an appender thread that did"
                            + " not finish within shutdownTimeout",
                    null);
        }
        return pending;
    }

    /** Losses are errors, quarantines warnings: a record in quarantine is kept, a dropped one is gone. */
    private void report(Summary summary, boolean loss, String verb, String detail, Throwable cause) {
        long count = summary.count.incrementAndGet();
        long now = nanoClock.getAsLong();
        String text;
        if (count == 1) {
            summary.reportedAt.set(now);
            text = prefix + verb + " an event (" + detail + "); further ones are summarised";
        } else {
            long last = summary.reportedAt.get();
            if (now - last < REPORT_INTERVAL_NANOS || !summary.reportedAt.compareAndSet(last, now)) {
                return;
            }
            text = prefix + verb + " " + count + " events (and counting); latest: " + detail;
        }
        if (loss) {
            status.error(text, cause);
        } else {
            status.warn(text, cause);
        }
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (Throwable e) { // a user's fallback appender must not take the engine down
            status.warn(prefix + "undelivered-event listener failed: " + e, e);
        }
    }

    static String describe(DropReason reason) {
        switch (reason) {
            case SPOOL_FULL:
                return "fallback spool is at maxFallbackTotalSize";
            case SPOOL_ERROR:
                return "fallback spool cannot be written";
            case ENCODE_ERROR:
                return "the encoder failed and no text rendering could be made";
            case BUFFER_FULL:
                return "the buffer and the spiller were full and overflow is drop";
            default:
                return "the appender had stopped";
        }
    }

    static String describe(QuarantineReason reason) {
        return reason == QuarantineReason.REFUSED
                ? "Kafka refuses the record for good"
                : "the encoder failed; kept as plain text";
    }

    private static final class Summary {
        final AtomicLong count = new AtomicLong();
        final AtomicLong reportedAt = new AtomicLong();
    }
}
