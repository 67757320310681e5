package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code stop()} while several application threads log as fast as they can, and Kafka acknowledges slowly:
 * when stop returns, every event whose logging call returned is acknowledged, in the spool, or counted as
 * logged after the stop; and no appender thread touches the spool afterwards.
 */
class StopBarrierTest {

    @TempDir
    Path dir;

    /** Acknowledges what is sent, a few records at a time, from a thread of its own, as a busy broker does. */
    static final class SlowBroker extends MockProducer<byte[], byte[]> {
        final List<String> acked = new CopyOnWriteArrayList<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicBoolean stalled = new AtomicBoolean();
        final Thread completer = new Thread(() -> {
            while (running.get()) {
                for (int i = 0; i < 8 && !stalled.get() && completeNext(); i++) {
                    // a few at a time
                }
                Thread.yield();
            }
        });

        SlowBroker() {
            super(false, null, new ByteArraySerializer(), new ByteArraySerializer());
            completer.setDaemon(true);
            completer.start();
        }

        @Override
        public synchronized java.util.concurrent.Future<RecordMetadata> send(
                ProducerRecord<byte[], byte[]> record, Callback callback) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            return super.send(record, (metadata, error) -> {
                if (error == null) {
                    acked.add(value);
                }
                callback.onCompletion(metadata, error);
            });
        }

        @Override
        public synchronized void close(Duration timeout) {
            running.set(false); // like KafkaProducer: what is not acknowledged by now fails
            while (errorNext(new org.apache.kafka.common.errors.TimeoutException("closed before acknowledged"))) {
                // fail the rest
            }
            super.close(timeout);
        }
    }

    @ParameterizedTest(name = "shutdownTimeout {0} ms")
    @ValueSource(longs = {0, 10_000})
    void everyEventWhoseCallReturnedHasAFateWhenStopReturns(long timeoutMillis) throws Exception {
        SlowBroker broker = new SlowBroker();
        List<String> dropped = new CopyOnWriteArrayList<>();
        DeliveryEngine<String> engine = new DeliveryEngine<>(
                AppenderConfig.builder("barrier")
                        .bootstrapServers("127.0.0.1:9")
                        .topic("logs")
                        .fallbackDir(dir.toString())
                        .bufferSize(1024)
                        .shutdownTimeout(Duration.ofMillis(timeoutMillis))
                        .build(),
                new StringCodec(),
                config -> broker,
                new RecordingStatus(),
                new UndeliveredListener<>() {
                    @Override
                    public void dropped(String event, DropReason reason) {
                        dropped.add(event);
                    }
                });
        engine.start();

        int threads = 4;
        AtomicBoolean stopReturned = new AtomicBoolean();
        CountDownLatch logging = new CountDownLatch(threads);
        List<List<String>> returned = new ArrayList<>();
        List<Thread> loggers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<String> mine = new ArrayList<>();
            returned.add(mine);
            int thread = t;
            loggers.add(new Thread(() -> {
                logging.countDown();
                for (int i = 0; !stopReturned.get() || i % 100 != 0; i++) {
                    String event = "t" + thread + "-" + i;
                    engine.submit(event);
                    mine.add(event);
                }
            }));
        }
        loggers.forEach(Thread::start);
        logging.await();
        while (engine.metrics().getAccepted() < 20_000) {
            Thread.onSpinWait(); // let the loggers get going: the stop must land in the middle of the stream
        }
        if (timeoutMillis == 0) {
            broker.stalled.set(true); // what the sender holds or sends from now on has no ack when the stop comes
        }
        engine.stop();
        Map<String, Long> filesAtStop = files();
        String countersAtStop = engine.metrics().summary();
        stopReturned.set(true);
        for (Thread logger : loggers) {
            logger.join(30_000);
        }

        AppenderMetrics metrics = engine.metrics();
        assertThat(files()).as("no appender thread writes after stop returned").isEqualTo(filesAtStop);
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                .noneMatch(name -> name.equals("nodrop-sender-barrier") || name.equals("nodrop-replay-barrier"));

        Set<String> acked = new HashSet<>(broker.acked);
        Set<String> spooled = SpoolDump.records(dir).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
        Set<String> late = new HashSet<>(dropped);
        long total = 0;
        for (List<String> events : returned) {
            for (String event : events) {
                total++;
                assertThat(acked.contains(event) || spooled.contains(event) || late.contains(event))
                        .as(event + " acked, spooled or counted as logged after stop; at stop: " + countersAtStop)
                        .isTrue();
            }
        }
        assertThat(metrics.getAccepted()).isEqualTo(total);
        assertThat(metrics.getPending())
                .as("at stop: " + countersAtStop + "; now: " + metrics.summary() + "; acked by broker " + acked.size()
                        + ", spooled " + spooled.size() + ", late " + late.size() + ", returned " + total)
                .isZero();
        assertThat(metrics.getDropped()).isEqualTo(metrics.getDroppedStopped()).isEqualTo(late.size());
        assertThat(metrics.getSpooled() - metrics.getReplayed())
                .as("spooled and not yet replayed = what the spool holds")
                .isEqualTo(spooled.size());
        if (timeoutMillis == 0) {
            assertThat(metrics.getSpooledShutdown()).as(countersAtStop).isPositive();
        }
    }

    Map<String, Long> files() throws Exception {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.filter(Files::isRegularFile).collect(Collectors.toList())) {
                files.put(dir.relativize(path).toString(), Files.size(path));
            }
        }
        return files;
    }
}
