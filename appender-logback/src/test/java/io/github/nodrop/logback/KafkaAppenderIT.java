package io.github.nodrop.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.SpoolDump;
import io.github.nodrop.core.internal.Spool;
import io.github.nodrop.testkit.KafkaCluster;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The appender against a real broker that stays up. */
@ExtendWith(KafkaExtension.class)
class KafkaAppenderIT {

    @TempDir
    Path dir;

    final String topic = "logs-" + UUID.randomUUID();
    LoggerContext context;

    @AfterEach
    void stopContext() {
        if (context != null) {
            context.stop();
            Logback.assertEveryEventHadAFate(context);
        }
    }

    LoggerContext configure(KafkaCluster kafka, String xml) {
        context = Logback.configure(
                xml, Map.of("bootstrap", kafka.bootstrapServers(), "topic", topic, "dir", dir.toString()));
        return context;
    }

    static void logFromThreads(Logger logger, int threads, int perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.submit(() -> {
                for (int i = 0; i < perThread; i++) {
                    logger.info("t{}-{}", thread, i);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }

    static Set<String> expected(int threads, int perThread) {
        Set<String> all = new HashSet<>();
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                all.add("t" + t + "-" + i);
            }
        }
        return all;
    }

    @Test
    void eventsFromSeveralThreadsAllArriveAndNoneIsSpooled(KafkaCluster kafka) throws Exception {
        kafka.createTopic(topic, 3);
        LoggerContext context = configure(kafka, Xml.kafka(""));
        // fewer events than the buffer holds, so none overflows to the spool
        logFromThreads(context.getLogger("app"), 4, 1500);
        KafkaAppender appender = Logback.appender(context, "KAFKA");
        await().atMost(Duration.ofSeconds(60)).until(() -> appender.getMetrics().getAcked() == 6000);

        List<String> values = Logback.values(kafka.consume(topic, 6000, Duration.ofSeconds(60)));
        assertThat(new HashSet<>(values)).isEqualTo(expected(4, 1500));
        assertThat(values).hasSize(6000);
        assertThat(appender.getMetrics().getSpooled()).isZero();
        assertThat(SpoolDump.records(dir)).isEmpty();
    }

    @Test
    void aBurstBiggerThanTheBufferIsSpooledNotDroppedAndReplayed(KafkaCluster kafka) throws Exception {
        LoggerContext context = configure(kafka, Xml.kafka("<bufferSize>8</bufferSize>"));
        logFromThreads(context.getLogger("app"), 4, 1250);
        KafkaAppender appender = Logback.appender(context, "KAFKA");
        assertThat(appender.getMetrics().getSpooledOverflow()).isPositive();

        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        appender.getMetrics().getAcked() + appender.getMetrics().getReplayed() >= 5000);
        List<String> values = Logback.values(kafka.consume(topic, 5000, Duration.ofSeconds(60)));
        assertThat(new HashSet<>(values)).isEqualTo(expected(4, 1250));
        assertThat(appender.getMetrics().getDropped()).isZero();
    }

    @Test
    void stopDeliversEverythingStillInTheBuffer(KafkaCluster kafka) {
        LoggerContext context = configure(kafka, Xml.kafka("<shutdownTimeout>30 seconds</shutdownTimeout>"));
        Logger logger = context.getLogger("app");
        for (int i = 0; i < 8000; i++) {
            logger.info("s-{}", i);
        }
        KafkaAppender appender = Logback.appender(context, "KAFKA");
        context.stop(); // right away: most events are still in the buffer
        this.context = null;

        assertThat(appender.getMetrics().getAcked()).isEqualTo(8000);
        assertThat(Logback.values(kafka.consume(topic, 8000, Duration.ofSeconds(60))))
                .hasSize(8000)
                .contains("s-0", "s-7999");
    }

    @Test
    void itWorksWrappedInLogbacksAsyncAppender(KafkaCluster kafka) {
        String xml = Xml.kafka("")
                .replace(
                        "<root level='INFO'><appender-ref ref='KAFKA'/></root>",
                        "<appender name='ASYNC' class='ch.qos.logback.classic.AsyncAppender'>"
                                + "<discardingThreshold>0</discardingThreshold><appender-ref ref='KAFKA'/></appender>"
                                + "<root level='INFO'><appender-ref ref='ASYNC'/></root>");
        LoggerContext context = configure(kafka, xml);
        Logger logger = context.getLogger("app");
        for (int i = 0; i < 2000; i++) {
            logger.info("a-{}", i);
        }
        assertThat(Logback.values(kafka.consume(topic, 2000, Duration.ofSeconds(60))))
                .hasSize(2000)
                .contains("a-0", "a-1999");
    }

    @Test
    void aSpoolFileTornByACrashIsReplayedUpToTheTearAndTheTearIsReported(KafkaCluster kafka) throws Exception {
        try (Spool crashed =
                new Spool(dir, 1 << 20, 1 << 30, topic, null, io.github.nodrop.core.internal.FileOps.DEFAULT)) {
            crashed.open();
            for (int i = 0; i < 3; i++) {
                crashed.write(
                        new EncodedRecord(null, ("before-crash-" + i).getBytes(StandardCharsets.UTF_8), List.of(), 1L));
            }
        }
        Path file = SpoolDump.files(dir).get(0);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(file) - 4);
        }

        LoggerContext context = configure(kafka, Xml.kafka(""));
        context.getLogger("app").info("after-restart");

        await().atMost(Duration.ofSeconds(60)).until(() -> SpoolDump.files(dir).isEmpty());
        List<String> values = Logback.values(kafka.consume(topic, 3, Duration.ofSeconds(60)));
        assertThat(values).containsExactlyInAnyOrder("before-crash-0", "before-crash-1", "after-restart");
        assertThat(Logback.statusMessages(context, ch.qos.logback.core.status.Status.WARN))
                .anyMatch(m -> m.contains(file.getFileName().toString()) && m.contains("cut short"));
    }

    @Test
    void spooledEventsOfAnEarlierRunAreReplayedAtStart(KafkaCluster kafka) throws Exception {
        List<String> earlier = new ArrayList<>();
        try (Spool previous =
                new Spool(dir, 1 << 20, 1 << 30, topic, null, io.github.nodrop.core.internal.FileOps.DEFAULT)) {
            previous.open();
            for (int i = 0; i < 100; i++) {
                String value = "line one " + i + "\nline two";
                earlier.add(value);
                previous.write(new EncodedRecord(null, value.getBytes(StandardCharsets.UTF_8), List.of(), 1L));
            }
        }
        LoggerContext context = configure(kafka, Xml.kafka(""));
        KafkaAppender appender = Logback.appender(context, "KAFKA");
        await().atMost(Duration.ofSeconds(60)).until(() -> appender.getMetrics().getReplayed() == 100);
        assertThat(Logback.values(kafka.consume(topic, 100, Duration.ofSeconds(60))))
                .containsExactlyInAnyOrderElementsOf(earlier);
    }
}
