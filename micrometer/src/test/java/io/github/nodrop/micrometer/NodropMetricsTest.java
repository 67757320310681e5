package io.github.nodrop.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.core.AppenderConfig;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.core.DeliveryEngine;
import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.EventCodec;
import io.github.nodrop.core.StatusListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodropMetricsTest {

    @TempDir
    Path dir;

    final MeterRegistry registry = new SimpleMeterRegistry();
    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    DeliveryEngine<String> engine;

    static final EventCodec<String> STRINGS = new EventCodec<>() {
        @Override
        public EncodedRecord encode(String event) {
            return new EncodedRecord(null, event.getBytes(StandardCharsets.UTF_8), List.of(), 1_700_000_000_000L);
        }

        @Override
        public int estimateSize(String event) {
            return 64 + 2 * event.length();
        }

        @Override
        public String fallbackText(String event) {
            return event;
        }
    };

    static final StatusListener QUIET = new StatusListener() {
        @Override
        public void info(String message) {}

        @Override
        public void warn(String message, Throwable cause) {}

        @Override
        public void error(String message, Throwable cause) {}
    };

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    DeliveryEngine<String> start() {
        AppenderConfig config = AppenderConfig.builder("KAFKA")
                .bootstrapServers("127.0.0.1:9")
                .topic("logs")
                .fallbackDir(dir.toString())
                .retryInterval(Duration.ofHours(1)) // no replay during the test: what is spooled stays spooled
                .build();
        engine = new DeliveryEngine<>(config, STRINGS, c -> producer, QUIET, null);
        engine.start();
        return engine;
    }

    double counter(String name, String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    double gauge(String name) {
        return registry.get(name).tag("appender", "KAFKA").gauge().value();
    }

    @Test
    void everyFateIsACounterTaggedWithTheAppenderAndTheReason() {
        DeliveryEngine<String> running = start();
        new NodropMetrics("KAFKA", running::metrics, Tags.of("service", "orders")).bindTo(registry);

        for (int i = 0; i < 5; i++) {
            running.submit("event " + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 5);
        assertThat(gauge("nodrop.inflight.events")).isEqualTo(5);
        assertThat(gauge("nodrop.events.pending")).isEqualTo(5);
        for (int i = 0; i < 3; i++) {
            producer.completeNext();
        }
        producer.errorNext(new TimeoutException("the broker went away"));
        producer.errorNext(new TimeoutException("the broker went away"));
        await().atMost(Duration.ofSeconds(10)).until(() -> running.metrics().getPending() == 0);

        assertThat(counter("nodrop.events.accepted", "appender", "KAFKA", "service", "orders"))
                .isEqualTo(5);
        assertThat(counter("nodrop.events.acked", "appender", "KAFKA")).isEqualTo(3);
        assertThat(counter("nodrop.events.spooled", "appender", "KAFKA", "reason", "failed"))
                .isEqualTo(2);
        assertThat(counter("nodrop.events.spooled", "reason", "overflow")).isZero();
        assertThat(counter("nodrop.events.dropped", "reason", "spool_full"))
                .as("registered at 0 from the start, so an alert needs no special case")
                .isZero();
        assertThat(counter("nodrop.events.skipped.client", "appender", "KAFKA")).isZero();
        assertThat(gauge("nodrop.spool.bytes")).isPositive();
        assertThat(gauge("nodrop.kafka.available")).isZero(); // timeouts: Kafka counts as away until a probe
    }

    @Test
    void theBinderFollowsTheAppendersCurrentEngineAndReadsZeroWithoutOne() {
        AtomicReference<AppenderMetrics> current = new AtomicReference<>();
        new NodropMetrics("KAFKA", current::get).bindTo(registry);
        assertThat(counter("nodrop.events.accepted")).isZero();
        assertThat(gauge("nodrop.buffer.events")).isZero();

        DeliveryEngine<String> running = start();
        current.set(running.metrics());
        running.submit("after start");
        assertThat(counter("nodrop.events.accepted")).isEqualTo(1);
    }

    @Test
    void aMissingNameOrSupplierIsRefusedNamingIt() {
        assertThatThrownBy(() -> new NodropMetrics(null, () -> null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("appender");
        assertThatThrownBy(() -> new NodropMetrics("KAFKA", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("metrics");
    }
}
