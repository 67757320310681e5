package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.core.internal.FaultyFileOps;
import io.github.nodrop.core.internal.FileOps;
import io.github.nodrop.core.internal.RingBuffer;
import io.github.nodrop.core.internal.Spool;
import io.github.nodrop.core.internal.SpoolFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine under the faults its design must survive, each injected, each checked against what reached
 * Kafka (the mock producer's history) and the files, not only the counters.
 */
class FaultModelTest {

    /** kafka-clients 4.4's exact text for the batch-mates of an invalid record. */
    static final String BATCH_MATE_MESSAGE =
            "Failed to append record because it was part of a batch which had one more more invalid records";

    @TempDir
    Path dir;

    final RecordingStatus status = new RecordingStatus();
    final List<Runnable> cleanups = new CopyOnWriteArrayList<>();
    DeliveryEngine<String> engine;

    @AfterEach
    void tearDown() {
        for (Runnable cleanup : cleanups) {
            try {
                cleanup.run();
            } catch (RuntimeException e) {
                // best effort
            }
        }
        if (engine != null) {
            engine.stop();
            Accounting.assertEveryEventHasAFate(engine.metrics());
        }
    }

    AppenderConfig.Builder config(String name) {
        return AppenderConfig.builder(name)
                .bootstrapServers("127.0.0.1:9")
                .topic("logs")
                .fallbackDir(dir.toString())
                .retryInterval(Duration.ofMillis(50))
                .shutdownTimeout(Duration.ofSeconds(5));
    }

    DeliveryEngine<String> start(AppenderConfig config, EventCodec<String> codec, ProducerFactory factory) {
        engine = new DeliveryEngine<>(config, codec, factory, status, null);
        engine.start();
        return engine;
    }

    DeliveryEngine<String> start(AppenderConfig config, ProducerFactory factory) {
        return start(config, new StringCodec(), factory);
    }

    static MockProducer<byte[], byte[]> mock(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static List<String> values(MockProducer<byte[], byte[]> producer) {
        return producer.history().stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }

    static long fates(AppenderMetrics m) {
        return m.getAcked() + m.getSpooled() + m.getQuarantined() + m.getDropped();
    }

    // ---- records Kafka refuses

    @Test
    void aBatchMateOfARefusedRecordIsSentAgainAndKafkaStaysAvailable() {
        MockProducer<byte[], byte[]> producer = mock(false);
        start(config("fm1a").build(), c -> producer);
        engine.submit("invalid-one");
        engine.submit("batch-mate");
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);

        producer.errorNext(new InvalidRecordException("record refused by the broker for test"));
        producer.errorNext(new KafkaException(BATCH_MATE_MESSAGE));

        assertThat(engine.metrics().isKafkaAvailable())
                .as(
                        "Kafka must stay available when a batch-mate of an invalid record fails (metrics %s)",
                        engine.metrics().summary())
                .isTrue();
        await("the batch-mate is sent a second time")
                .atMost(Duration.ofSeconds(10))
                .until(() -> Collections.frequency(values(producer), "batch-mate") == 2);
        producer.completeNext();
        await("the re-sent batch-mate is acknowledged")
                .atMost(Duration.ofSeconds(10))
                .until(() -> engine.metrics().getAcked() + engine.metrics().getReplayed() == 1);
        assertThat(engine.metrics().isKafkaAvailable()).isTrue();
        assertThat(engine.metrics().getSpooledFailed()).isZero();
        assertThat(status.warnings).noneMatch(w -> w.contains("Kafka is unavailable"));
    }

    @Test
    void aRecordRefusedAsInvalidIsKeptOnDiskNotDropped() throws Exception {
        MockProducer<byte[], byte[]> producer = mock(false);
        start(config("fm1b").build(), c -> producer);
        String marker = "refused-record-7f3a9c";
        engine.submit(marker);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);

        producer.errorNext(new InvalidRecordException("record refused by the broker for test"));
        await("the refused record gets a fate")
                .atMost(Duration.ofSeconds(10))
                .until(() -> fates(engine.metrics()) >= 1);
        assertThat(engine.metrics().getQuarantinedRefused()).isEqualTo(1);
        engine.stop();

        List<Path> holding = filesContaining(dir, marker.getBytes(StandardCharsets.UTF_8));
        assertThat(holding)
                .as(
                        "files under fallbackDir holding the record Kafka refused as invalid (metrics %s; files %s)",
                        engine.metrics().summary(), allFiles(dir))
                .isNotEmpty();
    }

    // ---- stop() is a barrier

    /** A producer whose send blocks until released, as KafkaProducer's does while its buffer is full. */
    static final class BlockingProducer extends MockProducer<byte[], byte[]> {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        BlockingProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
            return super.send(record, callback);
        }
    }

    @Test
    void afterStopReturnsNothingChangesInTheSpoolOrTheCounters() throws Exception {
        BlockingProducer producer = new BlockingProducer();
        cleanups.add(producer.release::countDown);
        String name = "fm3-barrier";
        start(config(name).shutdownTimeout(Duration.ofSeconds(1)).build(), c -> producer);
        for (int i = 0; i < 10; i++) {
            engine.submit("e" + i);
        }
        assertThat(producer.entered.await(10, TimeUnit.SECONDS)).isTrue();

        engine.stop();
        AppenderMetrics m = engine.metrics();
        long accepted = m.getAccepted();
        long acked = m.getAcked();
        long spooled = m.getSpooled();
        long dropped = m.getDropped() + m.getQuarantined();
        Map<String, String> filesAtStop = snapshot(dir);
        Thread sender = thread(DeliveryEngine.THREAD_PREFIX + "sender-" + name);
        boolean senderAliveAtStop = sender != null && sender.isAlive();

        producer.release.countDown();
        if (sender != null) {
            sender.join(10_000); // bounded: whatever the old sender still does is done after this
        }
        Map<String, String> filesLater = snapshot(dir);
        String countersLater = "accepted=" + m.getAccepted() + " acked=" + m.getAcked() + " spooled=" + m.getSpooled()
                + " dropped=" + (m.getDropped() + m.getQuarantined());

        org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(acked + spooled + dropped)
                    .as(
                            "at the moment stop() returned: accepted(%d) == acked(%d) + spooled(%d) + dropped(%d);"
                                    + " sender thread alive at stop: %s",
                            accepted, acked, spooled, dropped, senderAliveAtStop)
                    .isEqualTo(accepted);
            soft.assertThat(filesLater)
                    .as(
                            "files in fallbackDir after stop() returned and the blocked send was released"
                                    + " (sender alive at stop: %s)",
                            senderAliveAtStop)
                    .isEqualTo(filesAtStop);
            soft.assertThat(countersLater)
                    .as("counters after stop() returned and the blocked send was released")
                    .isEqualTo(
                            "accepted=" + accepted + " acked=" + acked + " spooled=" + spooled + " dropped=" + dropped);
        });
    }

    @Test
    void aZeroShutdownTimeoutSpoolsEverythingNotYetAcknowledged() {
        MockProducer<byte[], byte[]> producer = mock(false);
        start(config("fm3-zero").shutdownTimeout(Duration.ZERO).build(), c -> producer);
        for (int i = 0; i < 100; i++) {
            engine.submit("e" + i);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 100);

        engine.stop();

        List<String> spooled = SpoolDump.records(dir).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
        assertThat(spooled)
                .as(
                        "records in the spool when stop() with shutdownTimeout 0 returned (metrics %s)",
                        engine.metrics().summary())
                .hasSize(100);
    }

    // ---- the buffer under concurrent drains

    @Test
    void concurrentDrainersGetEveryEventExactlyOnce() throws Exception {
        // up to 5 rounds of 400,000 events each; stops at the first round that goes wrong
        String clean = "lost=0 duplicated=0 exceptions=0 offerTimeouts=0";
        String outcome = clean;
        int round = 0;
        while (round < 5 && outcome.equals(clean)) {
            round++;
            outcome = drainConcurrently(400_000);
        }
        assertThat(outcome)
                .as("2 drainers x 2 offerers on one RingBuffer, round %d of 400,000 events", round)
                .isEqualTo(clean);
    }

    /** Offers total distinct events from 2 threads while 2 threads drain; describes what went wrong. */
    static String drainConcurrently(int total) throws InterruptedException {
        RingBuffer<Integer> buffer = new RingBuffer<Integer>(1024, Long.MAX_VALUE / 4, id -> 16);
        AtomicIntegerArray seen = new AtomicIntegerArray(total);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicInteger offerFailures = new AtomicInteger();
        AtomicBoolean offeringDone = new AtomicBoolean();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);

        List<Thread> offerers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int from = t * (total / 2);
            int to = from + total / 2;
            offerers.add(new Thread(
                    () -> {
                        for (int id = from; id < to; id++) {
                            while (!buffer.offer(id, 16)) {
                                if (System.nanoTime() > deadline) {
                                    offerFailures.incrementAndGet();
                                    return;
                                }
                                Thread.yield();
                            }
                        }
                    },
                    "offerer-" + t));
        }
        List<Thread> drainers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            drainers.add(new Thread(
                    () -> {
                        List<Integer> local = new ArrayList<>();
                        while (System.nanoTime() < deadline) {
                            int n;
                            try {
                                n = buffer.drainTo(local, 32, 1, TimeUnit.MILLISECONDS);
                                for (Integer id : local) {
                                    seen.incrementAndGet(id);
                                }
                            } catch (Throwable e) {
                                errors.add(e);
                                n = -1;
                            }
                            local.clear();
                            if (n == 0 && offeringDone.get() && buffer.size() == 0) {
                                return;
                            }
                        }
                    },
                    "drainer-" + t));
        }
        drainers.forEach(Thread::start);
        offerers.forEach(Thread::start);
        for (Thread t : offerers) {
            t.join(10_000);
        }
        offeringDone.set(true);
        for (Thread t : drainers) {
            t.join(10_000);
        }

        int lost = 0;
        int duplicated = 0;
        for (int i = 0; i < total; i++) {
            int count = seen.get(i);
            if (count == 0) {
                lost++;
            } else if (count > 1) {
                duplicated += count - 1;
            }
        }
        String outcome = "lost=" + lost + " duplicated=" + duplicated + " exceptions=" + errors.size()
                + " offerTimeouts=" + offerFailures.get();
        if (!errors.isEmpty()) {
            outcome += " (first: "
                    + errors.stream().limit(3).map(Throwable::toString).collect(Collectors.joining(", ")) + ")";
        }
        return outcome;
    }

    // ---- an Error from the codec

    @Test
    void anErrorFromTheEncoderDoesNotKillTheSender() {
        AtomicBoolean thrown = new AtomicBoolean();
        StringCodec strings = new StringCodec();
        EventCodec<String> codec = new EventCodec<>() {
            @Override
            public EncodedRecord encode(String event) {
                if (event.equals("error-event")) {
                    thrown.set(true);
                    throw new AssertionError("boom");
                }
                return strings.encode(event);
            }

            @Override
            public int estimateSize(String event) {
                return strings.estimateSize(event);
            }
        };
        MockProducer<byte[], byte[]> producer = mock(true);
        start(config("fm5").build(), codec, c -> producer);
        engine.submit("error-event");
        await().atMost(Duration.ofSeconds(10)).untilTrue(thrown);
        for (int i = 0; i < 10; i++) {
            engine.submit("after-" + i);
        }

        Supplier<String> details = () -> "sender thread alive: " + alive(DeliveryEngine.THREAD_PREFIX + "sender-fm5")
                + "; metrics " + engine.metrics().summary() + "; sent " + values(producer);
        awaitOrFail(
                "the 10 events submitted after the encoder threw an Error are acknowledged",
                Duration.ofSeconds(10),
                () -> engine.metrics().getAcked() == 10,
                details);
        awaitOrFail(
                "the failing event is counted (accepted == acked + spooled + dropped)",
                Duration.ofSeconds(10),
                () -> fates(engine.metrics()) == engine.metrics().getAccepted(),
                details);
    }

    // ---- a second claim in the same JVM must not release the first claim's lock

    /** Run in a child JVM: prints LOCKED if another process holds a lock on the file, FREE otherwise. */
    public static final class LockProbe {
        public static void main(String[] args) throws IOException {
            try (FileChannel channel =
                    FileChannel.open(Paths.get(args[0]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    System.out.println("LOCKED");
                } else {
                    lock.release();
                    System.out.println("FREE");
                }
            }
        }
    }

    static String probeLock(Path file) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Paths.get(LockProbe.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        Process process = new ProcessBuilder(java, "-cp", classes, LockProbe.class.getName(), file.toString())
                .redirectErrorStream(true)
                .start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("lock probe did not finish in 30 s");
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    void aFailedSecondClaimInTheSameJvmKeepsTheFirstClaimsLock() throws Exception {
        Path sealed;
        try (Spool writer = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT)) {
            writer.open();
            for (int i = 0; i < 5; i++) {
                assertThat(writer.write(
                                new EncodedRecord(null, ("r" + i).getBytes(StandardCharsets.UTF_8), List.of(), 1L)))
                        .extracting(w -> w.outcome)
                        .isEqualTo(Spool.Outcome.WRITTEN);
            }
            writer.sealActive();
        }
        List<Path> files = SpoolDump.files(dir);
        assertThat(files).hasSize(1);
        sealed = files.get(0);

        Spool a = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT);
        Spool b = new Spool(dir, 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT);
        a.open();
        b.open();
        Spool.ClaimedFile claimA = a.claim(sealed);
        assertThat(claimA).isNotNull();
        try {
            assertThat(probeLock(sealed))
                    .as("precondition: A's claim is seen by another process")
                    .isEqualTo("LOCKED");
            assertThat(b.claim(sealed)).as("B cannot claim what A holds").isNull();
            assertThat(probeLock(sealed))
                    .as("after B's failed claim, another process must still see A's lock")
                    .isEqualTo("LOCKED");
        } finally {
            claimA.close();
        }
    }

    // ---- a corrupt length field

    @Test
    void aHugeLengthFieldIsNotAllocatedBeforeItIsChecked() throws Exception {
        // warm up: load the reader's classes on a small, valid file
        try (Spool spool = new Spool(dir.resolve("warm"), 1 << 20, 1 << 30, "logs", null, FileOps.DEFAULT)) {
            spool.open();
            spool.write(new EncodedRecord(null, "warm".getBytes(StandardCharsets.UTF_8), List.of(), 1L));
        }
        for (Path warm : SpoolDump.files(dir.resolve("warm"))) {
            SpoolDump.read(warm, new ArrayList<>());
        }

        Path file = dir.resolve("spool-20240101T000000000-000000-deadbeef.spool");
        ByteBuffer header = SpoolFormat.fileHeader("logs", null);
        ByteBuffer bytes = ByteBuffer.allocate(header.remaining() + SpoolFormat.RECORD_OVERHEAD + 300);
        bytes.put(header).putInt(200 << 20).putInt(0x12345678);
        while (bytes.hasRemaining()) {
            bytes.put((byte) 'x');
        }
        Files.write(file, bytes.array());
        assertThat(Files.size(file)).isLessThan(1024);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long threadId = Thread.currentThread().getId();
        List<EncodedRecord> records = new ArrayList<>();
        long before = threads.getThreadAllocatedBytes(threadId);
        String tear = SpoolDump.read(file, records);
        long allocated = threads.getThreadAllocatedBytes(threadId) - before;

        assertThat(allocated)
                .as("bytes allocated reading a %d-byte file whose record claims a 200 MB body", Files.size(file))
                .isLessThan(1 << 20);
        assertThat(records).isEmpty();
        assertThat(tear).as("the tear is reported").isNotNull();
    }

    // ---- replay is bounded in bytes

    @Test
    void replayBoundsTheBytesSentButNotAcknowledged() throws Exception {
        int count = 2_000;
        int size = 100 * 1024;
        long fileSize = 512L << 20;
        try (Spool spool = new Spool(dir, fileSize, 1L << 30, "logs", null, FileOps.DEFAULT)) {
            spool.open();
            byte[] value = new byte[size];
            Arrays.fill(value, (byte) 'v');
            for (int i = 0; i < count; i++) {
                assertThat(spool.write(new EncodedRecord(null, value, List.of(), 1L)))
                        .extracting(w -> w.outcome)
                        .isEqualTo(Spool.Outcome.WRITTEN);
            }
        }
        MockProducer<byte[], byte[]> producer = mock(false); // never acknowledges
        cleanups.add(() -> {
            engine.stop();
            while (producer.errorNext(new TimeoutException("test over"))) {
                // fail what is outstanding so the replay thread lets go at once
            }
            producer.clear();
        });
        start(
                config("fm9")
                        .shutdownTimeout(Duration.ofSeconds(1))
                        .maxFallbackFileSize(fileSize)
                        .maxFallbackTotalSize(1L << 30)
                        .build(),
                c -> producer);

        long[] last = {-1, System.nanoTime()};
        await("replay sends and then stops sending")
                .atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    int sent = producer.history().size();
                    long now = System.nanoTime();
                    if (sent != last[0]) {
                        last[0] = sent;
                        last[1] = now;
                        return false;
                    }
                    return sent > 0 && now - last[1] >= TimeUnit.SECONDS.toNanos(1);
                });
        long outstandingBytes = (long) producer.history().size() * size;
        assertThat(outstandingBytes)
                .as(
                        "bytes of replayed records sent and not yet acknowledged (%d records of %d bytes)",
                        producer.history().size(), size)
                .isLessThanOrEqualTo(64L << 20);
    }

    // ---- a producer in a fatal state

    @Test
    void aFatallyBrokenProducerIsReplaced() {
        AtomicInteger brokenSends = new AtomicInteger();
        MockProducer<byte[], byte[]> broken =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
                    @Override
                    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
                        brokenSends.incrementAndGet();
                        throw new IllegalStateException("Cannot perform operation after producer has been closed");
                    }
                };
        MockProducer<byte[], byte[]> healthy = mock(true);
        AtomicInteger calls = new AtomicInteger();
        start(config("fm10").build(), c -> calls.incrementAndGet() == 1 ? broken : healthy);
        for (int i = 0; i < 10; i++) {
            engine.submit("e" + i);
        }

        Supplier<String> details = () -> "producer factory calls: " + calls.get() + "; sends refused by the broken"
                + " producer so far: " + brokenSends.get() + "; healthy producer got " + values(healthy)
                + "; metrics " + engine.metrics().summary();
        awaitOrFail(
                "the producer factory is called again for a new producer",
                Duration.ofSeconds(15),
                () -> calls.get() >= 2,
                details);
        List<String> expected =
                Stream.iterate(0, i -> i + 1).limit(10).map(i -> "e" + i).collect(Collectors.toList());
        awaitOrFail(
                "the events reach the new producer and are acknowledged",
                Duration.ofSeconds(15),
                () -> values(healthy).containsAll(expected)
                        && engine.metrics().getAcked() + engine.metrics().getReplayed() >= 10,
                details);
    }

    // ---- a valid request.timeout.ms against nodrop's delivery.timeout.ms default

    @Test
    void aConfigBuildAcceptsIsAcceptedByKafka() {
        AppenderConfig.Builder builder = config("fm11").producerProperty("request.timeout.ms", "30000");
        AppenderConfig config;
        try {
            config = builder.build();
        } catch (AppenderConfig.InvalidConfigException e) {
            assertThat(e.getMessage()).containsAnyOf("delivery.timeout.ms", "request.timeout.ms");
            return;
        }
        Map<String, Object> producerConfig = config.producerConfig();
        assertThatCode(() -> {
                    Producer<byte[], byte[]> producer =
                            new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
                    producer.close(Duration.ofSeconds(5));
                })
                .as("creating a KafkaProducer from the config build() accepted: %s", producerConfig)
                .doesNotThrowAnyException();
    }

    // ---- a full disk

    @Test
    void onAFullDiskEveryRecordCountedAsSpooledIsInTheSpoolAndTheRestAreCountedDropped() {
        FaultyFileOps disk = new FaultyFileOps().diskOf(1 << 20);
        engine = new DeliveryEngine<>(
                config("full-disk").build(),
                new StringCodec(),
                c -> {
                    throw new IllegalStateException("kafka unreachable");
                },
                status,
                null,
                System::nanoTime,
                disk);
        engine.start();
        String padding = "p".repeat(100);
        int total = 30_000;
        for (int i = 0; i < total; i++) {
            engine.submit(String.format("event-%05d-%s", i, padding).substring(0, 100));
        }
        engine.stop();

        AppenderMetrics m = engine.metrics();
        List<EncodedRecord> readable = SpoolDump.records(dir);
        assertThat((long) readable.size())
                .as("records readable from the spool == spooled; %s", m.summary())
                .isEqualTo(m.getSpooled());
        assertThat(m.getSpooled()).isPositive().isLessThan(total);
        assertThat(m.getDropped()).isEqualTo(m.getDroppedSpoolError()).isEqualTo(total - m.getSpooled());
        assertThat(m.getPending()).isZero();
        assertThat(readable.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                .doesNotHaveDuplicates();
        assertThat(status.errors).anyMatch(e -> e.contains(FaultyFileOps.ENOSPC));
    }

    // ---- helpers

    /** Awaits the condition; on timeout fails with what was awaited and the state then. */
    static void awaitOrFail(String what, Duration atMost, Callable<Boolean> condition, Supplier<String> details) {
        try {
            await(what).atMost(atMost).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not within " + atMost.toSeconds() + " s: " + what + "; " + details.get(), e);
        }
    }

    static boolean alive(String threadName) {
        Thread thread = thread(threadName);
        return thread != null && thread.isAlive();
    }

    static Thread thread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).collect(Collectors.toList())) {
                try {
                    files.put(root.relativize(path).toString(), Files.size(path) + " bytes");
                } catch (IOException e) {
                    files.put(root.relativize(path).toString(), "unreadable: " + e);
                }
            }
        }
        return files;
    }

    static List<String> allFiles(Path root) throws IOException {
        return new ArrayList<>(snapshot(root).keySet());
    }

    static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).collect(Collectors.toList())) {
                byte[] content = Files.readAllBytes(path);
                if (indexOf(content, needle) >= 0) {
                    found.add(path);
                }
            }
        }
        return found;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
