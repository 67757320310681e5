package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a Kafka producer fails, injected into the live producer for numbered events; then each event
 * is looked for where it must be: delivered (acknowledged by the live producer or the replay producer),
 * in the spool, or in the quarantine. Nothing may be missing, whatever the counters say.
 */
class ProducerFailuresTest {

    static final int EVENTS = 20;

    @TempDir
    Path dir;

    final RecordingStatus status = new RecordingStatus();
    DeliveryEngine<String> engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
            Accounting.assertEveryEventHasAFate(engine.metrics());
        }
    }

    enum Fate {
        /** Spooled and then replayed by the replay producer. */
        REPLAYED,
        /** Refused for good: in quarantine, never sent again on its own. */
        QUARANTINED,
        /** Sent again by the live producer and acknowledged. */
        RESENT,
        /** The live producer is replaced, the events arrive through a healthy one. */
        NEW_PRODUCER
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(
                        "delivery timeout",
                        (Supplier<Exception>) () -> new TimeoutException("expired"),
                        false,
                        Fate.REPLAYED),
                Arguments.of(
                        "network",
                        (Supplier<Exception>) () -> new NetworkException("disconnected"),
                        false,
                        Fate.REPLAYED),
                Arguments.of(
                        "leader moved",
                        (Supplier<Exception>) () -> new NotLeaderOrFollowerException("moved"),
                        false,
                        Fate.REPLAYED),
                Arguments.of(
                        "topic authorization",
                        (Supplier<Exception>) () -> new TopicAuthorizationException("denied"),
                        false,
                        Fate.REPLAYED),
                Arguments.of(
                        "authentication",
                        (Supplier<Exception>) () -> new SaslAuthenticationException("bad password"),
                        false,
                        Fate.REPLAYED),
                Arguments.of(
                        "unknown",
                        (Supplier<Exception>) () -> new KafkaException("something odd"),
                        false,
                        Fate.REPLAYED),
                Arguments.of(
                        "max.block.ms in send()",
                        (Supplier<Exception>) () -> new TimeoutException("no metadata after 2000 ms"),
                        true,
                        Fate.REPLAYED),
                Arguments.of(
                        "too large",
                        (Supplier<Exception>) () -> new RecordTooLargeException("too large"),
                        false,
                        Fate.QUARANTINED),
                Arguments.of(
                        "batch too large",
                        (Supplier<Exception>) () -> new RecordBatchTooLargeException("too large"),
                        false,
                        Fate.QUARANTINED),
                Arguments.of(
                        "old timestamp",
                        (Supplier<Exception>) () -> new InvalidTimestampException("too old"),
                        false,
                        Fate.QUARANTINED),
                Arguments.of(
                        "invalid record",
                        (Supplier<Exception>) () -> new InvalidRecordException("invalid"),
                        false,
                        Fate.QUARANTINED),
                Arguments.of(
                        "batch-mate of an invalid record",
                        (Supplier<Exception>)
                                () -> new KafkaException(
                                        "Failed to append record because it was part of a batch which had one more more invalid records"),
                        false,
                        Fate.RESENT),
                Arguments.of(
                        "fenced",
                        (Supplier<Exception>) () -> new ProducerFencedException("fenced"),
                        false,
                        Fate.NEW_PRODUCER),
                Arguments.of(
                        "out of order",
                        (Supplier<Exception>) () -> new OutOfOrderSequenceException("gap"),
                        false,
                        Fate.NEW_PRODUCER),
                Arguments.of(
                        "closed producer in send()",
                        (Supplier<Exception>) () ->
                                new IllegalStateException("Cannot perform operation after producer has been closed"),
                        true,
                        Fate.NEW_PRODUCER));
    }

    /** A live producer that fails the first {@link #EVENTS} sends with the given exception, then acknowledges. */
    static final class FailingProducer extends MockProducer<byte[], byte[]> {
        final Supplier<Exception> failure;
        final boolean inSend;
        final AtomicInteger failed = new AtomicInteger();
        final List<String> acked = new CopyOnWriteArrayList<>();

        FailingProducer(Supplier<Exception> failure, boolean inSend) {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            this.failure = failure;
            this.inSend = inSend;
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            if (failed.get() < EVENTS && failed.incrementAndGet() <= EVENTS) {
                Exception error = failure.get();
                if (inSend && error instanceof RuntimeException) {
                    throw (RuntimeException) error;
                }
                callback.onCompletion(null, error);
                return super.send(record, (m, e) -> {});
            }
            return super.send(record, (metadata, error) -> {
                if (error == null) {
                    acked.add(value);
                }
                callback.onCompletion(metadata, error);
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void everyEventEndsDeliveredSpooledOrQuarantinedNeverMissing(
            String name, Supplier<Exception> failure, boolean inSend, Fate expected) {
        List<FailingProducer> live = new CopyOnWriteArrayList<>();
        MockProducer<byte[], byte[]> replay =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        ProducerFactory factory = config -> {
            if (String.valueOf(config.get(ProducerConfig.CLIENT_ID_CONFIG)).endsWith("-replay")) {
                return replay;
            }
            FailingProducer producer = new FailingProducer(failure, inSend);
            if (!live.isEmpty()) {
                producer.failed.set(EVENTS); // a replacement is healthy
            }
            live.add(producer);
            return producer;
        };
        engine = new DeliveryEngine<>(
                AppenderConfig.builder("failures")
                        .bootstrapServers("127.0.0.1:9")
                        .topic("logs")
                        .fallbackDir(dir.toString())
                        .retryInterval(Duration.ofMillis(50))
                        .build(),
                new StringCodec(),
                factory,
                status,
                null);
        engine.start();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(name + "-" + i);
            engine.submit(name + "-" + i);
        }
        AppenderMetrics metrics = engine.metrics();
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getPending() == 0);
        if (expected == Fate.REPLAYED || expected == Fate.NEW_PRODUCER) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> metrics.getReplayed() + metrics.getAcked() >= EVENTS
                            && SpoolDump.records(dir).isEmpty());
        }
        if (expected == Fate.RESENT) {
            await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getAcked() == EVENTS);
        }
        engine.stop();

        Set<String> delivered = new HashSet<>();
        live.forEach(p -> delivered.addAll(p.acked));
        replay.history().forEach(r -> delivered.add(new String(r.value(), StandardCharsets.UTF_8)));
        Set<String> spooled = values(SpoolDump.records(dir));
        Set<String> quarantined = values(SpoolDump.records(SpoolDump.quarantine(dir)));
        String summary = name + ": delivered=" + delivered.size() + " spooled=" + spooled.size() + " quarantined="
                + quarantined.size() + "; " + metrics.summary();
        for (String event : events) {
            assertThat(delivered.contains(event) || spooled.contains(event) || quarantined.contains(event))
                    .as(event + " is somewhere; " + summary)
                    .isTrue();
        }
        assertThat(metrics.getPending()).as(summary).isZero();
        assertThat(metrics.getDropped()).as(summary).isZero();
        switch (expected) {
            case QUARANTINED:
                assertThat(quarantined).as(summary).containsExactlyInAnyOrderElementsOf(events);
                assertThat(metrics.getQuarantinedRefused()).isEqualTo(EVENTS);
                assertThat(status.warnings).noneMatch(w -> w.contains("Kafka is unavailable"));
                break;
            case RESENT:
                assertThat(live).hasSize(1);
                assertThat(live.get(0).acked).as(summary).containsExactlyInAnyOrderElementsOf(events);
                assertThat(metrics.getSpooled()).isZero();
                break;
            case NEW_PRODUCER:
                assertThat(live.size()).as("producers made: " + summary).isGreaterThanOrEqualTo(2);
                assertThat(delivered).as(summary).containsAll(events);
                assertThat(status.warnings).anyMatch(w -> w.contains("failed for good") && w.contains("replacing it"));
                break;
            default:
                assertThat(delivered).as(summary).containsAll(events);
                assertThat(metrics.getSpooledFailed()).as(summary).isEqualTo(EVENTS);
                if (name.startsWith("topic authorization") || name.startsWith("authentication")) {
                    assertThat(status.errors).anyMatch(e -> e.contains("credentials or certificate"));
                } else {
                    assertThat(status.warnings).anyMatch(w -> w.contains("Kafka is unavailable"));
                }
        }
    }

    static Set<String> values(List<EncodedRecord> records) {
        Set<String> values = new HashSet<>();
        records.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
        return values;
    }
}
