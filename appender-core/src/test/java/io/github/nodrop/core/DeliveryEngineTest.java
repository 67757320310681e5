package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryEngineTest {

    @TempDir
    Path dir;

    final RecordingStatus status = new RecordingStatus();
    final List<String> spooledEvents = new CopyOnWriteArrayList<>();
    final List<String> droppedEvents = new CopyOnWriteArrayList<>();
    final List<String> quarantinedEvents = new CopyOnWriteArrayList<>();
    final List<String> spoolingThreads = new CopyOnWriteArrayList<>();
    DeliveryEngine<String> engine;

    @AfterEach
    void stopEngine() {
        if (engine != null) {
            engine.stop();
            Accounting.assertEveryEventHasAFate(engine.metrics());
        }
    }

    AppenderConfig.Builder config() {
        return AppenderConfig.builder("test")
                .bootstrapServers("127.0.0.1:9")
                .topic("logs")
                .fallbackDir(dir.toString())
                .retryInterval(Duration.ofMillis(50))
                .shutdownTimeout(Duration.ofSeconds(5));
    }

    DeliveryEngine<String> start(AppenderConfig config, ProducerFactory factory) {
        engine = new DeliveryEngine<>(config, new StringCodec(), factory, status, new UndeliveredListener<>() {
            @Override
            public void spooled(String event, SpoolReason reason) {
                spooledEvents.add(event);
                spoolingThreads.add(Thread.currentThread().getName());
            }

            @Override
            public void quarantined(String event, QuarantineReason reason) {
                quarantinedEvents.add(event);
            }

            @Override
            public void dropped(String event, DropReason reason) {
                droppedEvents.add(event);
            }
        });
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

    @Test
    void acknowledgedEventsAreCountedAndNothingIsSpooled() {
        MockProducer<byte[], byte[]> producer = mock(true);
        start(config().build(), c -> producer);
        for (int i = 0; i < 1000; i++) {
            engine.submit("event-" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getAcked() == 1000);
        assertThat(values(producer)).hasSize(1000).contains("event-0", "event-999");
        assertThat(producer.history().get(0).topic()).isEqualTo("logs");
        assertThat(engine.metrics().getSpooled()).isZero();
        assertThat(engine.metrics().getAccepted()).isEqualTo(1000);
    }

    @Test
    void theProducerGetsNodropsDefaultsAndTheUsersSettings() {
        MockProducer<byte[], byte[]> producer = mock(true);
        List<java.util.Map<String, Object>> seen = new CopyOnWriteArrayList<>();
        start(config().producerProperty("compression.type=lz4").build(), c -> {
            seen.add(c);
            return producer;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        assertThat(seen.get(0))
                .containsEntry("compression.type", "lz4")
                .containsEntry("max.block.ms", "2000")
                .containsEntry("bootstrap.servers", "127.0.0.1:9")
                .containsEntry("client.id", "nodrop-test");
    }

    @Test
    void aFailedSendIsSpooledAndKafkaIsMarkedUnavailable() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(false);
        producer.partitionsForException = new TimeoutException("metadata unavailable"); // probes fail
        start(config().build(), c -> producer);
        engine.submit("first");
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        producer.errorNext(new TimeoutException("broker gone"));

        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getSpooledFailed() == 1);
        assertThat(spooledEvents).containsExactly("first");
        assertThat(engine.metrics().isKafkaAvailable()).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> status.warnings.stream().anyMatch(w -> w.contains("Kafka is unavailable")));
        assertThat(status.warnings).anyMatch(w -> w.contains("broker gone") && w.contains("appender 'test'"));
        // while Kafka is unavailable, new events go straight to the spool
        engine.submit("second");
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getSpooledFailed() == 2);
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void spooledEventsAreReplayedWhenKafkaIsBack() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(false);
        start(config().build(), c -> producer);
        engine.submit("lost-then-found");
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        producer.errorNext(new TimeoutException("broker gone"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getSpooledFailed() == 1);

        // the replay thread probes Kafka, resends the spool, and deletes the file once acknowledged
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        producer.completeNext();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getReplayed() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().isKafkaAvailable());
        assertThat(values(producer)).containsExactly("lost-then-found", "lost-then-found");
        await().atMost(Duration.ofSeconds(10)).until(() -> SpoolDump.files(dir).isEmpty());
        assertThat(status.infos).anyMatch(i -> i.contains("Kafka is available again"));
    }

    @Test
    void aRecordKafkaRefusesForGoodIsQuarantinedWithItsReason() {
        MockProducer<byte[], byte[]> producer = mock(false);
        start(config().build(), c -> producer);
        engine.submit("huge");
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        producer.errorNext(new RecordTooLargeException("too large"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getQuarantinedRefused() == 1);
        assertThat(quarantinedEvents).containsExactly("huge");
        assertThat(droppedEvents).isEmpty();
        assertThat(engine.metrics().isKafkaAvailable()).isTrue();
        assertThat(status.warnings).anyMatch(w -> w.contains("refuses the record") && w.contains("too large"));
        List<EncodedRecord> kept = SpoolDump.records(SpoolDump.quarantine(dir));
        assertThat(kept).hasSize(1);
        assertThat(new String(kept.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("huge");
        assertThat(new String(kept.get(0).headers().get(0).value(), StandardCharsets.UTF_8))
                .contains("RecordTooLargeException")
                .contains("too large");
        assertThat(SpoolDump.records(dir)).as("never replayed on its own").isEmpty();
    }

    @Test
    void whenTheBufferIsFullTheSpillerSpoolsTheOverflowAndTheCallerDoesNoDiskIo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MockProducer<byte[], byte[]> producer = mock(true);
        start(config().bufferSize(10).build(), c -> {
            awaitLatch(release); // the sender is stuck before its first drain
            return producer;
        });
        String caller = Thread.currentThread().getName();
        for (int i = 0; i < 25; i++) {
            engine.submit("e" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getSpooledOverflow() == 15);
        assertThat(spooledEvents).hasSize(15).contains("e10", "e24");
        assertThat(spoolingThreads)
                .as("spooled by the spiller, not the logging thread")
                .doesNotContain(caller);
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getAcked() == 10);
        // the overflow reaches Kafka through replay
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getReplayed() == 15);
        assertThat(values(producer)).hasSize(25);
    }

    @Test
    void anEncoderFailureQuarantinesTheEventAsTextAndIsReportedOnce() {
        MockProducer<byte[], byte[]> producer = mock(true);
        start(config().build(), c -> producer);
        engine.submit("boom");
        engine.submit("boom");
        engine.submit("fine");
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getAcked() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getQuarantinedEncodeError() == 2);
        assertThat(status.warnings.stream().filter(w -> w.contains("encoder failed")))
                .hasSize(1);
        assertThat(SpoolDump.records(SpoolDump.quarantine(dir)))
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("text of boom", "text of boom");
    }

    @Test
    void whenTheProducerCannotBeCreatedEventsAreSpooledAndTheErrorNamesTheAppender() {
        start(config().build(), c -> {
            throw new org.apache.kafka.common.config.ConfigException("No resolvable bootstrap urls");
        });
        engine.submit("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getSpooled() == 1);
        assertThat(status.errors).anyMatch(e -> e.contains("appender 'test'") && e.contains("No resolvable"));
    }

    @Test
    void stopDrainsTheBufferToKafkaAndReportsTheCounters() {
        MockProducer<byte[], byte[]> producer = mock(true);
        start(config().build(), c -> producer);
        for (int i = 0; i < 5000; i++) {
            engine.submit("e" + i);
        }
        engine.stop();
        assertThat(engine.metrics().getAcked() + engine.metrics().getSpooled()).isEqualTo(5000);
        assertThat(status.infos).anyMatch(i -> i.contains("stopped: accepted=5000"));
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void stopSpoolsWhatKafkaCannotTakeInTime() throws Exception {
        start(config().shutdownTimeout(Duration.ofMillis(200)).build(), c -> {
            throw new IllegalStateException("kafka unreachable");
        });
        for (int i = 0; i < 100; i++) {
            engine.submit("e" + i);
        }
        engine.stop();
        assertThat(engine.metrics().getSpooled()).isEqualTo(100);
        assertThat(SpoolDump.records(dir)).hasSize(100);
        assertThat(engine.isRunning()).isFalse();
        engine.stop(); // idempotent
    }

    @Test
    void theSpoolCapDropsAndSummarisesInsteadOfFillingTheDisk() {
        start(config().maxFallbackFileSize(1024).maxFallbackTotalSize(4096).build(), c -> {
            throw new IllegalStateException("kafka unreachable");
        });
        String payload = "x".repeat(500);
        for (int i = 0; i < 40; i++) {
            engine.submit(payload);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> engine.metrics().getSpooled() + engine.metrics().getDropped() == 40);
        assertThat(engine.metrics().getDroppedSpoolFull()).isPositive();
        assertThat(engine.metrics().getSpoolBytes()).isLessThanOrEqualTo(4096);
        assertThat(SpoolDump.totalBytes(dir)).isLessThanOrEqualTo(4096);
        assertThat(status.errors.stream().filter(w -> w.contains("maxFallbackTotalSize")))
                .hasSize(1);
    }

    @Test
    void anUnusableFallbackDirFailsStartWithTheSettingsName() throws Exception {
        Path file = dir.resolve("a-file");
        java.nio.file.Files.writeString(file, "not a directory");
        AppenderConfig config =
                config().fallbackDir(file.resolve("spool").toString()).build();
        DeliveryEngine<String> broken = new DeliveryEngine<>(config, new StringCodec(), c -> mock(true), status, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(broken::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("appender 'test'")
                .hasMessageContaining("fallbackDir");
    }

    @Test
    void countersAreExposedOverJmx() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(true);
        start(config().build(), c -> producer);
        engine.submit("one");
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getAcked() == 1);
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        assertThat(server.getAttribute(engine.jmxName(), "Acked")).isEqualTo(1L);
        assertThat(server.getAttribute(engine.jmxName(), "Accepted")).isEqualTo(1L);
        javax.management.ObjectName name = engine.jmxName();
        engine.stop();
        assertThat(server.isRegistered(name)).isFalse();
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aSpoolDirectoryDeletedWhileRunningLosesNothing() throws Exception {
        Path spoolDir = dir.resolve("spool");
        start(config().fallbackDir(spoolDir.toString()).build(), c -> {
            throw new IllegalStateException("kafka unreachable");
        });
        for (int i = 0; i < 100; i++) {
            engine.submit("before-" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getSpooled() == 100);
        try (var paths = java.nio.file.Files.walk(spoolDir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(path);
            }
        }
        for (int i = 0; i < 100; i++) {
            engine.submit("after-" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getSpooled() == 200);
        engine.stop();

        assertThat(SpoolDump.records(spoolDir)).hasSize(200);
        assertThat(engine.metrics().getDropped()).isZero();
        assertThat(status.warnings).anyMatch(w -> w.contains("appender 'test'") && w.contains("deleted while in use"));
    }

    @Test
    void anUnwritableSpoolCountsDropsWarnsAndRecoversWhenItIsWritableAgain() throws Exception {
        Path spoolDir = dir.resolve("spool");
        start(config().fallbackDir(spoolDir.toString()).build(), c -> {
            throw new IllegalStateException("kafka unreachable");
        });
        // the directory gone and a file in its place: every write fails, as on a full or read-only disk
        java.nio.file.Files.delete(spoolDir);
        java.nio.file.Files.writeString(spoolDir, "in the way");
        for (int i = 0; i < 10; i++) {
            engine.submit("lost-" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getDroppedSpoolError() == 10);
        assertThat(droppedEvents).hasSize(10);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> status.errors.stream()
                        .anyMatch(w -> w.contains("appender 'test'") && w.contains(spoolDir.toString())));

        java.nio.file.Files.delete(spoolDir); // space is back
        for (int i = 0; i < 10; i++) {
            engine.submit("kept-" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getSpooled() == 10);
        engine.stop();
        assertThat(SpoolDump.records(spoolDir)).hasSize(10);
        assertThat(engine.metrics().getDroppedSpoolError()).isEqualTo(10);
    }

    @Test
    void quarantinedRecordsCanBeRequeuedAndAreThenReplayedWithoutTheirReason() {
        MockProducer<byte[], byte[]> refusing = mock(false);
        start(config().build(), c -> refusing);
        engine.submit("refused-then-wanted");
        await().atMost(Duration.ofSeconds(10)).until(() -> refusing.history().size() == 1);
        refusing.errorNext(new org.apache.kafka.common.errors.InvalidTimestampException("too old for the topic"));
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getQuarantined() == 1);
        engine.stop();
        engine = null;

        List<Path> moved = SpoolDump.requeue(dir);
        assertThat(moved).hasSize(1);
        assertThat(SpoolDump.records(SpoolDump.quarantine(dir))).isEmpty();
        assertThat(SpoolDump.records(dir)).hasSize(1);

        MockProducer<byte[], byte[]> fixed = mock(true);
        start(config().build(), c -> fixed);
        await().atMost(Duration.ofSeconds(10)).until(() -> engine.metrics().getReplayed() == 1);
        assertThat(values(fixed)).containsExactly("refused-then-wanted");
        assertThat(fixed.history().get(0).headers().toArray())
                .as("the reason header is not sent")
                .isEmpty();
    }

    @Test
    void twoEnginesSharingOneDirectoryReplayEachSpooledRecordOnce() {
        List<DeliveryEngine<String>> engines = new java.util.ArrayList<>();
        List<MockProducer<byte[], byte[]>> replays = new CopyOnWriteArrayList<>();
        try {
            for (String name : List.of("a", "b")) {
                MockProducer<byte[], byte[]> replay = mock(true);
                replays.add(replay);
                DeliveryEngine<String> shared = new DeliveryEngine<>(
                        AppenderConfig.builder(name)
                                .bootstrapServers("127.0.0.1:9")
                                .topic("logs")
                                .fallbackDir(dir.toString())
                                .maxFallbackFileSize(4096)
                                .retryInterval(Duration.ofMillis(20))
                                .build(),
                        new StringCodec(),
                        c -> {
                            if (String.valueOf(c.get("client.id")).endsWith("-replay")) {
                                return replay;
                            }
                            throw new IllegalStateException("no live producer: everything is spooled");
                        },
                        status,
                        null);
                shared.start();
                engines.add(shared);
            }
            for (int i = 0; i < 2_000; i++) {
                engines.get(i % 2).submit("shared-" + i);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            replays.stream().mapToInt(p -> p.history().size()).sum() >= 2_000
                                    && SpoolDump.records(dir).isEmpty());
        } finally {
            engines.forEach(DeliveryEngine::stop);
        }
        List<String> replayed = new java.util.ArrayList<>();
        replays.forEach(p -> replayed.addAll(values(p)));
        assertThat(replayed).hasSize(2_000).doesNotHaveDuplicates();
    }

    /** A disk that hangs on its next write until released: the spiller then sits in it. */
    static final class HangingDisk extends io.github.nodrop.core.internal.FaultyFileOps {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public int write(java.nio.channels.FileChannel channel, java.nio.ByteBuffer buffer) throws java.io.IOException {
            entered.countDown();
            awaitLatch(release);
            return super.write(channel, buffer);
        }
    }

    @Test
    void withOverflowDropACallerNeverWaitsForADiskAndTheDropsAreCounted() throws Exception {
        HangingDisk disk = new HangingDisk();
        engine = new DeliveryEngine<>(
                config().bufferSize(10).overflow(Overflow.DROP).build(),
                new StringCodec(),
                c -> {
                    throw new IllegalStateException("no Kafka: everything goes to the spool");
                },
                status,
                null,
                System::nanoTime,
                disk);
        engine.start();
        engine.submit("first");
        assertThat(disk.entered.await(10, TimeUnit.SECONDS))
                .as("a writer hangs in the disk")
                .isTrue();
        for (int i = 0; i < 3_000; i++) {
            engine.submit("e" + i); // the spiller's queue holds 1,024: the rest would need the hanging disk
        }
        AppenderMetrics metrics = engine.metrics();
        assertThat(metrics.getDroppedBufferFull()).isPositive();
        assertThat(status.errors).anyMatch(e -> e.contains("overflow is drop"));
        disk.release.countDown();
        engine.stop();
        engine = null;
        Accounting.assertEveryEventHasAFate(metrics);
        assertThat(SpoolDump.records(dir).size() + metrics.getDroppedBufferFull())
                .isEqualTo(3_001);
    }

    /** A disk that notes which threads write, and is slow (each write takes a millisecond). */
    static final class SlowDisk extends io.github.nodrop.core.internal.FaultyFileOps {
        final java.util.Set<String> writers = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public int write(java.nio.channels.FileChannel channel, java.nio.ByteBuffer buffer) throws java.io.IOException {
            writers.add(Thread.currentThread().getName());
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a slow device
            return super.write(channel, buffer);
        }
    }

    /** A layout that blocks on the spiller's thread until released, and encodes as {@link StringCodec} elsewhere. */
    static EventCodec<String> hangingOnTheSpiller(CountDownLatch spillerStuck, CountDownLatch release) {
        StringCodec strings = new StringCodec();
        return new EventCodec<>() {
            @Override
            public EncodedRecord encode(String event) {
                if (Thread.currentThread().getName().startsWith(DeliveryEngine.THREAD_PREFIX + "spiller")) {
                    spillerStuck.countDown();
                    awaitLatch(release);
                }
                return strings.encode(event);
            }

            @Override
            public int estimateSize(String event) {
                return strings.estimateSize(event);
            }

            @Override
            public String fallbackText(String event) {
                return strings.fallbackText(event);
            }
        };
    }

    @Test
    void anInterruptedLoggingThreadThatSpoolsItselfLosesNothingAndKeepsItsInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch spillerStuck = new CountDownLatch(1);
        engine = new DeliveryEngine<>(
                config().bufferSize(10).build(),
                hangingOnTheSpiller(spillerStuck, release),
                c -> {
                    throw new IllegalStateException("no Kafka: everything goes to the spool");
                },
                status,
                null);
        engine.start();
        AtomicInteger logged = new AtomicInteger();
        AtomicBoolean keptItsInterrupt = new AtomicBoolean();
        Thread app = new Thread(() -> {
            int i = 0;
            while (spillerStuck.getCount() > 0) {
                engine.submit("e" + i++);
            }
            Thread.currentThread().interrupt(); // a cancelled task that logs on
            for (int j = 0; j < 2_000; j++) {
                engine.submit("e" + i++); // the spiller hangs: the call writes to the spool itself
            }
            keptItsInterrupt.set(Thread.currentThread().isInterrupted());
            logged.set(i);
        });
        app.start();
        app.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(app.isAlive()).as("the logging thread finished").isFalse();
        release.countDown();
        AppenderMetrics metrics = engine.metrics();
        engine.stop();
        engine = null;
        Accounting.assertEveryEventHasAFate(metrics);
        assertThat(metrics.getDropped()).as("dropped: " + droppedEvents).isZero();
        assertThat(SpoolDump.records(dir)).hasSize(logged.get());
        assertThat(keptItsInterrupt)
                .as("the application's interrupt is given back")
                .isTrue();
    }

    @Test
    void aStopOnAnInterruptedThreadSpoolsWhatItHoldsAndKeepsTheInterrupt() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(false); // Kafka never answers
        start(config().shutdownTimeout(Duration.ZERO).build(), c -> producer);
        for (int i = 0; i < 100; i++) {
            engine.submit("e" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 100);
        AtomicBoolean keptItsInterrupt = new AtomicBoolean();
        DeliveryEngine<String> stopping = engine;
        Thread stopper = new Thread(() -> {
            Thread.currentThread().interrupt(); // a shutdown hook or a container thread already interrupted
            stopping.stop();
            keptItsInterrupt.set(Thread.currentThread().isInterrupted());
        });
        stopper.start();
        stopper.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(stopper.isAlive()).as("stop returned").isFalse();
        AppenderMetrics metrics = engine.metrics();
        engine = null;
        Accounting.assertEveryEventHasAFate(metrics);
        assertThat(metrics.getDropped()).as("dropped: " + droppedEvents).isZero();
        assertThat(SpoolDump.records(dir)).hasSize(100);
        assertThat(keptItsInterrupt).as("the interrupt is given back").isTrue();
    }

    @Test
    void anEventLargerThanTheSpillQueueIsSpooledByItsCallerWithoutWaitingForRoom() throws Exception {
        AtomicReference<Thread> caller = new AtomicReference<>();
        engine = new DeliveryEngine<>(
                config().bufferSize(10).bufferBytes(1024).build(),
                new StringCodec(),
                c -> {
                    throw new IllegalStateException("no Kafka: everything goes to the spool");
                },
                status,
                null,
                // time stands still for the logging thread: only a condition, never a timeout, can end its wait
                () -> Thread.currentThread() == caller.get() ? 0L : System.nanoTime(),
                io.github.nodrop.core.internal.FileOps.DEFAULT);
        engine.start();
        String big = "x".repeat(2_000); // estimated 4,064 bytes: more than the buffer and the spill queue take
        Thread app = new Thread(() -> engine.submit(big));
        caller.set(app);
        app.start();
        app.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(app.isAlive())
                .as("the call returned: no room can ever come for it")
                .isFalse();
        AppenderMetrics metrics = engine.metrics();
        engine.stop();
        engine = null;
        Accounting.assertEveryEventHasAFate(metrics);
        assertThat(metrics.getSpooledOverflow()).isEqualTo(1);
        assertThat(SpoolDump.records(dir)).hasSize(1);
    }

    @Test
    void withOverflowSpoolACallerWaitsForTheSpillerWhileItWorksAndNeverWritesItself() throws Exception {
        SlowDisk disk = new SlowDisk();
        engine = new DeliveryEngine<>(
                config().bufferSize(10).build(),
                new StringCodec(),
                c -> {
                    throw new IllegalStateException("no Kafka: everything goes to the spool");
                },
                status,
                null,
                System::nanoTime,
                disk);
        engine.start();
        for (int i = 0; i < 5_000; i++) {
            engine.submit("e" + i); // far more than the buffer (10) and the spiller's queue (1,024) hold
        }
        AppenderMetrics metrics = engine.metrics();
        engine.stop();
        engine = null;
        Accounting.assertEveryEventHasAFate(metrics);
        assertThat(metrics.getDropped()).isZero();
        assertThat(SpoolDump.records(dir)).hasSize(5_000);
        assertThat(disk.writers)
                .as("the logging thread waited for the spiller instead of taking the spool's lock")
                .isNotEmpty()
                .allMatch(name -> name.startsWith(DeliveryEngine.THREAD_PREFIX));
    }

    @Test
    void withOverflowSpoolACallerWritesItselfWhenTheSpillerIsStuck() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch spillerStuck = new CountDownLatch(1);
        EventCodec<String> hangsOnTheSpiller = hangingOnTheSpiller(spillerStuck, release);
        engine = new DeliveryEngine<>(
                config().bufferSize(10).build(),
                hangsOnTheSpiller,
                c -> {
                    throw new IllegalStateException("no Kafka: everything goes to the spool");
                },
                status,
                null);
        engine.start();
        int i = 0;
        while (spillerStuck.getCount() > 0) {
            engine.submit("e" + i++);
        }
        for (int j = 0; j < 3_000; j++) {
            engine.submit("e" + i++); // returns: after the stall bound, the call writes the event itself
        }
        AppenderMetrics metrics = engine.metrics();
        assertThat(metrics.getSpooledOverflow())
                .as("events spooled while the spiller hangs: by the logging thread")
                .isPositive();
        release.countDown();
        engine.stop();
        engine = null;
        Accounting.assertEveryEventHasAFate(metrics);
        assertThat(metrics.getDropped()).isZero();
        assertThat(SpoolDump.records(dir)).hasSize(i);
    }

    @Test
    void anUnknownOverflowPolicyIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> config().overflow("block").build())
                .hasMessageContaining("appender 'test': overflow 'block' is not one of spool, drop");
    }
}
