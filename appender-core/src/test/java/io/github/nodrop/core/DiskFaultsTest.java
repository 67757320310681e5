package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.core.internal.FaultyFileOps;
import io.github.nodrop.core.internal.FaultyFileOps.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One file operation of the spool fails the way a broken disk makes it fail (EIO, ENOSPC), at a chosen
 * call, while events go through the spool to Kafka (no live producer, so every event is spooled and
 * replayed). Whatever breaks, every event must be replayed to Kafka or still be in the spool, and a loss
 * may only be a counted, reported drop.
 */
class DiskFaultsTest {

    static final int EVENTS = 3_000;

    @TempDir
    Path dir;

    final RecordingStatus status = new RecordingStatus();
    final List<String> dropped = new CopyOnWriteArrayList<>();
    final MockProducer<byte[], byte[]> kafka =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    DeliveryEngine<String> engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
            Accounting.assertEveryEventHasAFate(engine.metrics());
        }
    }

    void start(FaultyFileOps disk) {
        engine = new DeliveryEngine<>(
                AppenderConfig.builder("disk")
                        .bootstrapServers("127.0.0.1:9")
                        .topic("logs")
                        .fallbackDir(dir.toString())
                        .maxFallbackFileSize(64 * 1024) // many files: many seals, claims and deletes
                        .retryInterval(Duration.ofMillis(20))
                        .build(),
                new StringCodec(),
                config -> {
                    if (String.valueOf(config.get(ProducerConfig.CLIENT_ID_CONFIG))
                            .endsWith("-replay")) {
                        return kafka;
                    }
                    throw new IllegalStateException("no live producer: everything goes through the spool");
                },
                status,
                new UndeliveredListener<>() {
                    @Override
                    public void dropped(String event, DropReason reason) {
                        dropped.add(event);
                    }
                },
                System::nanoTime,
                disk);
        engine.start();
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of(Op.WRITE, 5, 1, FaultyFileOps.EIO),
                Arguments.of(Op.WRITE, 5, 1, FaultyFileOps.ENOSPC),
                Arguments.of(Op.CREATE, 2, 1, FaultyFileOps.EIO),
                Arguments.of(Op.LOCK, 2, 1, FaultyFileOps.EIO),
                Arguments.of(Op.MOVE, 1, 3, FaultyFileOps.EIO),
                Arguments.of(Op.DELETE, 1, 3, FaultyFileOps.EIO),
                Arguments.of(Op.LIST, 3, 5, FaultyFileOps.EIO),
                Arguments.of(Op.OPEN, 1, 3, FaultyFileOps.EIO));
    }

    @ParameterizedTest(name = "{0} call {1} (and {2} in all) fails: {3}")
    @MethodSource("faults")
    void aFailingFileOperationLosesNoEvent(Op op, int first, int times, String error) {
        FaultyFileOps disk = new FaultyFileOps().failOn(op, first, times, error);
        start(disk);
        for (int i = 0; i < EVENTS; i++) {
            engine.submit("event-" + i + "-" + "x".repeat(100));
        }
        AppenderMetrics metrics = engine.metrics();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> metrics.getPending() == 0 && metrics.getReplayed() + metrics.getDropped() >= EVENTS);
        engine.stop();

        Set<String> replayed = new HashSet<>();
        kafka.history().forEach(r -> replayed.add(new String(r.value(), StandardCharsets.UTF_8)));
        Set<String> spooled = new HashSet<>();
        SpoolDump.records(dir).forEach(r -> spooled.add(new String(r.value(), StandardCharsets.UTF_8)));
        Set<String> lost = new HashSet<>(dropped);
        String summary = op + " x" + times + " (" + error + "): calls=" + disk.calls(op) + "; " + metrics.summary();
        assertThat(disk.calls(op)).as("the fault was reached: " + summary).isGreaterThanOrEqualTo(first);
        for (int i = 0; i < EVENTS; i++) {
            String event = "event-" + i + "-" + "x".repeat(100);
            assertThat(replayed.contains(event) || spooled.contains(event) || lost.contains(event))
                    .as(event + " is in Kafka, the spool, or counted dropped; " + summary)
                    .isTrue();
        }
        assertThat(metrics.getDropped())
                .as("a single fault is retried, not a loss: " + summary)
                .isZero();
        assertThat(metrics.getPending()).isZero();
    }

    @Test
    void aDiskThatStaysBrokenDropsWithTheReasonAndRecoversWhenItHeals() {
        FaultyFileOps disk = new FaultyFileOps();
        start(disk);
        disk.failAlways(Op.WRITE, FaultyFileOps.EIO);
        for (int i = 0; i < 100; i++) {
            engine.submit("while-broken-" + i);
        }
        AppenderMetrics metrics = engine.metrics();
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getDroppedSpoolError() == 100);
        assertThat(dropped).hasSize(100);
        assertThat(status.errors).anyMatch(e -> e.contains(FaultyFileOps.EIO) && e.contains("appender 'disk'"));

        disk.heal();
        for (int i = 0; i < 100; i++) {
            engine.submit("healed-" + i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getReplayed() == 100);
        Set<String> replayed = new HashSet<>();
        kafka.history().forEach(r -> replayed.add(new String(r.value(), StandardCharsets.UTF_8)));
        for (int i = 0; i < 100; i++) {
            assertThat(replayed).contains("healed-" + i);
        }
    }
}
