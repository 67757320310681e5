package io.github.nodrop.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The Log4j2 appender against a real broker that stays up. */
@ExtendWith(KafkaExtension.class)
class NodropKafkaAppenderIT {

    @TempDir
    Path dir;

    final String topic = "logs-" + UUID.randomUUID();
    LoggerContext context;

    @AfterEach
    void stopContext() {
        if (context != null) {
            context.stop();
        }
    }

    LoggerContext configure(KafkaCluster kafka, String xml) {
        context = Log4j.configure(
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
        LoggerContext context = configure(kafka, Log4j.kafka("", ""));
        logFromThreads(context.getLogger("app"), 4, 1500);
        NodropKafkaAppender appender = Log4j.appender(context, "KAFKA");
        await().atMost(Duration.ofSeconds(60)).until(() -> appender.getMetrics().getAcked() == 6000);
        List<String> values = Log4j.values(kafka.consume(topic, 6000, Duration.ofSeconds(60)));
        assertThat(values).hasSize(6000);
        assertThat(new HashSet<>(values)).isEqualTo(expected(4, 1500));
        assertThat(appender.getMetrics().getSpooled()).isZero();
    }

    @Test
    void aBurstBiggerThanTheBufferIsSpooledNotDroppedAndReplayed(KafkaCluster kafka) throws Exception {
        LoggerContext context = configure(kafka, Log4j.kafka("bufferSize='8'", ""));
        logFromThreads(context.getLogger("app"), 4, 1250);
        NodropKafkaAppender appender = Log4j.appender(context, "KAFKA");
        assertThat(appender.getMetrics().getSpooledOverflow()).isPositive();
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        appender.getMetrics().getAcked() + appender.getMetrics().getReplayed() >= 5000);
        assertThat(new HashSet<>(Log4j.values(kafka.consume(topic, 5000, Duration.ofSeconds(60)))))
                .isEqualTo(expected(4, 1250));
        assertThat(appender.getMetrics().getDropped()).isZero();
    }

    @Test
    void stopDeliversEverythingStillInTheBuffer(KafkaCluster kafka) {
        LoggerContext context = configure(kafka, Log4j.kafka("shutdownTimeout='30 seconds'", ""));
        Logger logger = context.getLogger("app");
        for (int i = 0; i < 8000; i++) {
            logger.info("s-{}", i);
        }
        NodropKafkaAppender appender = Log4j.appender(context, "KAFKA");
        context.stop();
        this.context = null;
        assertThat(appender.getMetrics().getAcked()).isEqualTo(8000);
        assertThat(Log4j.values(kafka.consume(topic, 8000, Duration.ofSeconds(60))))
                .hasSize(8000)
                .contains("s-0", "s-7999");
    }

    @Test
    void asyncLoggersWithReusedEventsDeliverEveryMessageIntact(KafkaCluster kafka) throws Exception {
        String xml = Log4j.kafka("", "")
                .replace(
                        "<Root level='INFO'><AppenderRef ref='KAFKA'/></Root>",
                        "<AsyncRoot level='INFO'><AppenderRef ref='KAFKA'/></AsyncRoot>");
        LoggerContext context = configure(kafka, xml);
        logFromThreads(context.getLogger("app"), 2, 2000);
        assertThat(new HashSet<>(Log4j.values(kafka.consume(topic, 4000, Duration.ofSeconds(60)))))
                .isEqualTo(expected(2, 2000));
    }

    @Test
    void itWorksInsideAsyncAndFailoverAppenders(KafkaCluster kafka) {
        String xml = Log4j.kafka("", "")
                .replace(
                        "</NodropKafka></Appenders>",
                        "</NodropKafka>"
                                + "<File name='FILE' fileName='${dir}/failover.log'><PatternLayout pattern='%m%n'/></File>"
                                + "<Failover name='FAILOVER' primary='KAFKA'><Failovers><AppenderRef ref='FILE'/>"
                                + "</Failovers></Failover>"
                                + "<Async name='ASYNC'><AppenderRef ref='FAILOVER'/></Async></Appenders>")
                .replace("<AppenderRef ref='KAFKA'/></Root>", "<AppenderRef ref='ASYNC'/></Root>");
        LoggerContext context = configure(kafka, xml);
        Logger logger = context.getLogger("app");
        for (int i = 0; i < 2000; i++) {
            logger.info("w-{}", i);
        }
        assertThat(Log4j.values(kafka.consume(topic, 2000, Duration.ofSeconds(60))))
                .hasSize(2000)
                .contains("w-0", "w-1999");
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
        try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
            LoggerContext context = configure(kafka, Log4j.kafka("", ""));
            context.getLogger("app").info("after-restart");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> SpoolDump.files(dir).isEmpty());
            assertThat(Log4j.values(kafka.consume(topic, 3, Duration.ofSeconds(60))))
                    .containsExactlyInAnyOrder("before-crash-0", "before-crash-1", "after-restart");
            assertThat(status.messages)
                    .anyMatch(m -> m.contains(file.getFileName().toString()) && m.contains("cut short"));
        }
    }
}
