package io.github.nodrop.micrometer;

import io.github.nodrop.core.AppenderMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds one nodrop appender's counters to a Micrometer {@link MeterRegistry}, tagged {@code
 * appender=<name>}.
 *
 * <p>Every event's fate is a counter: {@code nodrop.events.accepted}, {@code nodrop.events.acked}, {@code
 * nodrop.events.spooled} ({@code reason}: overflow, failed, shutdown), {@code nodrop.events.quarantined}
 * ({@code reason}: refused, encode_error), {@code nodrop.events.dropped} ({@code reason}: spool_full,
 * spool_error, buffer_full, encode_error, stopped); flows out of the spool: {@code nodrop.events.replayed},
 * {@code nodrop.events.replay.quarantined}, {@code nodrop.events.recovered}; outside the fates, {@code
 * nodrop.events.skipped.client} (the Kafka client's own log events, kept out of Kafka). Gauges: {@code
 * nodrop.events.pending}, {@code nodrop.buffer.events}, {@code nodrop.buffer.bytes}, {@code
 * nodrop.inflight.events}, {@code nodrop.spool.bytes}, {@code nodrop.journal.bytes} and {@code
 * nodrop.kafka.available} (1 or 0). The dropped counter with each reason is registered from the start, at 0,
 * so an alert on it needs no special case.
 *
 * <p>The counters are read from the supplier on every scrape, so a binder follows an appender that is
 * stopped and started again (its counters start from 0, which Prometheus' {@code rate()} reads as a counter
 * reset). A Logback or Log4j2 reconfiguration builds a new appender object: a supplier that looks the
 * appender up by name follows it, a method reference to one appender does not. While the supplier gives
 * {@code null} (no such appender, or not started) the meters read 0.
 *
 * <pre>{@code
 * new NodropMetrics("KAFKA", () -> {
 *     Appender<ILoggingEvent> kafka = loggerContext.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("KAFKA");
 *     return kafka instanceof KafkaAppender ? ((KafkaAppender) kafka).getMetrics() : null;
 * }).bindTo(registry);
 * }</pre>
 */
public final class NodropMetrics implements MeterBinder {

    private final String appender;
    private final Supplier<AppenderMetrics> metrics;
    private final Iterable<Tag> tags;

    /** Binds the counters of {@code metrics}, as the appender named {@code appender}. */
    public NodropMetrics(String appender, Supplier<AppenderMetrics> metrics) {
        this(appender, metrics, Tags.empty());
    }

    /** The same with tags of your own added to every meter. */
    public NodropMetrics(String appender, Supplier<AppenderMetrics> metrics, Iterable<Tag> tags) {
        this.appender = Objects.requireNonNull(appender, "appender");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.tags = Tags.concat(Objects.requireNonNull(tags, "tags"), "appender", appender);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "nodrop.events.accepted", "events the appender accepted", null, AppenderMetrics::getAccepted);
        counter(registry, "nodrop.events.acked", "events Kafka acknowledged", null, AppenderMetrics::getAcked);
        String spooled = "events written to the fallback spool, by why";
        counter(registry, "nodrop.events.spooled", spooled, "overflow", AppenderMetrics::getSpooledOverflow);
        counter(registry, "nodrop.events.spooled", spooled, "failed", AppenderMetrics::getSpooledFailed);
        counter(registry, "nodrop.events.spooled", spooled, "shutdown", AppenderMetrics::getSpooledShutdown);
        String quarantined = "events kept in quarantine, by why";
        counter(registry, "nodrop.events.quarantined", quarantined, "refused", AppenderMetrics::getQuarantinedRefused);
        counter(
                registry,
                "nodrop.events.quarantined",
                quarantined,
                "encode_error",
                AppenderMetrics::getQuarantinedEncodeError);
        String dropped = "events lost, by why";
        counter(registry, "nodrop.events.dropped", dropped, "spool_full", AppenderMetrics::getDroppedSpoolFull);
        counter(registry, "nodrop.events.dropped", dropped, "spool_error", AppenderMetrics::getDroppedSpoolError);
        counter(registry, "nodrop.events.dropped", dropped, "buffer_full", AppenderMetrics::getDroppedBufferFull);
        counter(registry, "nodrop.events.dropped", dropped, "encode_error", AppenderMetrics::getDroppedEncodeError);
        counter(registry, "nodrop.events.dropped", dropped, "stopped", AppenderMetrics::getDroppedStopped);
        counter(
                registry,
                "nodrop.events.replayed",
                "spooled records sent to Kafka",
                null,
                AppenderMetrics::getReplayed);
        counter(
                registry,
                "nodrop.events.replay.quarantined",
                "spooled records Kafka refused for good",
                null,
                AppenderMetrics::getReplayQuarantined);
        counter(
                registry,
                "nodrop.events.recovered",
                "records recovered from a journal at start",
                null,
                AppenderMetrics::getRecovered);
        counter(
                registry,
                "nodrop.events.skipped.client",
                "events of Kafka's own loggers and of the appender's threads, kept out of Kafka",
                null,
                AppenderMetrics::getSkippedClientEvents);
        gauge(registry, "nodrop.events.pending", "events buffered or in flight", m -> m.getPending());
        gauge(registry, "nodrop.buffer.events", "events in the buffer", m -> m.getBufferDepth());
        gauge(registry, "nodrop.buffer.bytes", "estimated bytes in the buffer", m -> m.getBufferBytes());
        gauge(registry, "nodrop.inflight.events", "events sent, not yet acknowledged", m -> m.getInFlight());
        gauge(registry, "nodrop.spool.bytes", "bytes in the fallback spool", m -> m.getSpoolBytes());
        gauge(registry, "nodrop.journal.bytes", "bytes in the durable journal", m -> m.getJournalBytes());
        gauge(registry, "nodrop.kafka.available", "1 while Kafka takes events", m -> m.isKafkaAvailable() ? 1 : 0);
    }

    private void counter(
            MeterRegistry registry, String name, String description, String reason, ToLongFunction<AppenderMetrics> f) {
        FunctionCounter.Builder<NodropMetrics> builder = FunctionCounter.builder(name, this, binder -> {
                    AppenderMetrics current = binder.metrics.get();
                    return current == null ? 0 : f.applyAsLong(current);
                })
                .description(description)
                .baseUnit("events")
                .tags(tags);
        if (reason != null) {
            builder.tag("reason", reason);
        }
        builder.register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<AppenderMetrics> f) {
        Gauge.builder(name, this, binder -> {
                    AppenderMetrics current = binder.metrics.get();
                    return current == null ? 0 : f.applyAsDouble(current);
                })
                .description(description)
                .tags(tags)
                .register(registry);
    }

    @Override
    public String toString() {
        return "NodropMetrics[" + appender + "]";
    }
}
