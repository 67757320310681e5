package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.core.internal.FaultyFileOps;
import io.github.nodrop.core.internal.FileClaims;
import io.github.nodrop.core.internal.FileOps;
import io.github.nodrop.core.internal.Journal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable mode inside one JVM (the child-JVM kill tests live with the Logback appender). */
class DurableModeTest {

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

    AppenderConfig.Builder durable() {
        return AppenderConfig.builder("durable")
                .bootstrapServers("127.0.0.1:9")
                .topic("logs")
                .fallbackDir(dir.toString())
                .retryInterval(Duration.ofMillis(50))
                .durable(true)
                .journalSize("1MB");
    }

    DeliveryEngine<String> start(AppenderConfig config, ProducerFactory factory, FileOps ops) {
        engine = new DeliveryEngine<>(config, new StringCodec(), factory, status, null, System::nanoTime, ops);
        engine.start();
        return engine;
    }

    static MockProducer<byte[], byte[]> mock(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static List<String> values(MockProducer<byte[], byte[]> producer) {
        return producer.history().stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    static List<Path> journals(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".ndj"))
                    .collect(Collectors.toList());
        }
    }

    @Test
    void eventsAreJournaledDeliveredAndTheJournalSpaceIsReleased() throws Exception {
        MockProducer<byte[], byte[]> kafka = mock(true);
        start(durable().build(), c -> kafka, FileOps.DEFAULT);
        for (int i = 0; i < 2_000; i++) {
            engine.submit("e" + i);
        }
        AppenderMetrics metrics = engine.metrics();
        assertThat(metrics.isDurable()).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getAcked() == 2_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getJournalBytes() == 0);
        assertThat(values(kafka)).hasSize(2_000).contains("e0", "e1999");
        engine.stop();
        assertThat(journals(dir)).hasSize(1);
        try (Journal journal =
                Journal.attach(FileClaims.claim(journals(dir).get(0), FileOps.DEFAULT, false), FileOps.DEFAULT)) {
            assertThat(journal.recover())
                    .as("a clean stop leaves nothing to recover")
                    .isEmpty();
        }
    }

    @Test
    void recordsAKilledProcessLeftInItsJournalAreReplayedOnceAtTheNextStart() throws Exception {
        Path file = dir.resolve("journal-durable-0.ndj");
        Files.createDirectories(dir);
        try (Journal killed =
                Journal.create(FileClaims.claim(file, FileOps.DEFAULT, true), 1 << 20, "logs", null, FileOps.DEFAULT)) {
            for (int i = 0; i < 100; i++) {
                long position = killed.append(
                        new EncodedRecord(null, ("before-kill-" + i).getBytes(StandardCharsets.UTF_8), List.of(), 1L));
                if (i < 40) {
                    killed.markDone(position); // acknowledged before the kill
                }
            }
        } // the lock goes with the process; the frames stay in the file
        MockProducer<byte[], byte[]> kafka = mock(true);
        start(durable().build(), c -> kafka, FileOps.DEFAULT);
        AppenderMetrics metrics = engine.metrics();
        assertThat(metrics.getRecovered()).isEqualTo(60);
        assertThat(status.infos).anyMatch(i -> i.contains("recovered 60 events"));
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getReplayed() == 60);
        engine.submit("after-restart");
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getAcked() == 1);
        engine.stop();
        List<String> sent = values(kafka);
        for (int i = 40; i < 100; i++) {
            assertThat(sent).containsOnlyOnce("before-kill-" + i);
        }
        assertThat(sent).noneMatch(v -> v.equals("before-kill-0") || v.equals("before-kill-39"));
        assertThat(SpoolDump.records(dir)).isEmpty();
    }

    @Test
    void whenTheJournalIsFullEventsAreSpooledAndNothingIsLost() {
        MockProducer<byte[], byte[]> kafka = mock(false); // never acknowledges: the journal fills up
        start(durable().shutdownTimeout(Duration.ZERO).build(), c -> kafka, FileOps.DEFAULT);
        String padding = "p".repeat(1000);
        for (int i = 0; i < 3_000; i++) { // about 3 MB into a 1 MB journal
            engine.submit(i + "-" + padding);
        }
        AppenderMetrics metrics = engine.metrics();
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getSpooledOverflow() > 0);
        engine.stop();
        java.util.Set<String> spooled = SpoolDump.records(dir).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        for (int i = 0; i < 3_000; i++) {
            assertThat(spooled).contains(i + "-" + padding);
        }
        assertThat(metrics.getPending()).isZero();
        assertThat(metrics.getDropped()).isZero();
    }

    @Test
    void anEncoderFailureIsQuarantinedOnTheLoggingThread() {
        MockProducer<byte[], byte[]> kafka = mock(true);
        start(durable().build(), c -> kafka, FileOps.DEFAULT);
        engine.submit("boom");
        assertThat(engine.metrics().getQuarantinedEncodeError())
                .as("before submit returned")
                .isEqualTo(1);
        engine.submit("fine");
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.metrics().getAcked() == 1);
        assertThat(SpoolDump.records(SpoolDump.quarantine(dir)))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("text of boom");
    }

    @Test
    void whenNoJournalCanBeMadeTheAppenderRunsInMemoryAndSaysWhy() {
        FaultyFileOps disk = new FaultyFileOps().failOn(FaultyFileOps.Op.MAP, 1, 1, "Operation not supported");
        MockProducer<byte[], byte[]> kafka = mock(true);
        start(durable().build(), c -> kafka, disk);
        engine.submit("still delivered");
        await().atMost(Duration.ofSeconds(30)).until(() -> engine.metrics().getAcked() == 1);
        assertThat(status.errors)
                .anyMatch(e -> e.contains("durable mode is not available")
                        && e.contains("Operation not supported")
                        && e.contains("running in memory"));
    }

    @Test
    void journalSettingsAreCheckedAndNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> durable()
                        .journalSize("100KB")
                        .journalSyncInterval("soon")
                        .build())
                .isInstanceOf(AppenderConfig.InvalidConfigException.class)
                .hasMessageContaining("journalSize '102400' must be between 1MB and 1GB")
                .hasMessageContaining("journalSyncInterval 'soon' is not a duration");
    }

    @Test
    void whenTheBufferIsFullJournaledEventsWaitInTheJournalNotOnTheLoggingThreadsDisk() throws Exception {
        java.util.concurrent.CountDownLatch kafkaSlow = new java.util.concurrent.CountDownLatch(1);
        MockProducer<byte[], byte[]> kafka = mock(true);
        start(
                durable().bufferSize(10).build(),
                c -> {
                    try {
                        kafkaSlow.await(30, java.util.concurrent.TimeUnit.SECONDS); // the sender is held up
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return kafka;
                },
                FileOps.DEFAULT);
        for (int i = 0; i < 1_000; i++) {
            engine.submit("e" + i);
        }
        AppenderMetrics metrics = engine.metrics();
        assertThat(metrics.getSpooled())
                .as("no spool write on the logging thread")
                .isZero();
        assertThat(metrics.getJournalBytes()).isPositive();
        kafkaSlow.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics.getAcked() == 1_000);
        assertThat(values(kafka)).hasSize(1_000).doesNotHaveDuplicates().contains("e0", "e11", "e999");
        assertThat(SpoolDump.records(dir)).isEmpty();
    }
}
