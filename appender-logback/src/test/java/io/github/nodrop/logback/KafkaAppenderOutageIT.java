package io.github.nodrop.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.github.nodrop.core.SpoolDump;
import io.github.nodrop.testkit.KafkaCluster;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The appender while the broker goes away and comes back. */
@ExtendWith(KafkaExtension.class)
class KafkaAppenderOutageIT {

    /** Long on purpose: if any logging call waited for Kafka metadata, it would wait this long. */
    static final long MAX_BLOCK_MS = 10_000;

    @TempDir
    Path dir;

    final String topic = "logs-" + UUID.randomUUID();
    LoggerContext context;

    @BeforeEach
    void brokerRunning(KafkaCluster broker) {
        org.junit.jupiter.api.Assumptions.assumeTrue(broker.canRestart(), "needs a broker the test can stop");
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    @AfterEach
    void stopContext(KafkaCluster broker) {
        if (context != null) {
            context.stop();
            Logback.assertEveryEventHadAFate(context);
        }
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    LoggerContext configure(KafkaCluster broker) {
        String xml = Xml.kafka("<producerConfig>max.block.ms=" + MAX_BLOCK_MS + "</producerConfig>"
                + "<producerConfig>delivery.timeout.ms=15000</producerConfig>"
                + "<producerConfig>request.timeout.ms=5000</producerConfig>");
        context = Logback.configure(
                xml, Map.of("bootstrap", broker.bootstrapServers(), "topic", topic, "dir", dir.toString()));
        return context;
    }

    @Test
    void brokerDownAtStartTheAppenderStartsCallersDoNotWaitAndEverythingArrivesLater(KafkaCluster broker) {
        broker.stop();
        LoggerContext context = configure(broker);
        KafkaAppender appender = Logback.appender(context, "KAFKA");
        assertThat(appender.isStarted()).isTrue();
        Logger logger = context.getLogger("app");

        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            logger.info("down-{}", i);
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // a single call that waited for metadata would have taken max.block.ms by itself
        assertThat(elapsedMs).isLessThan(MAX_BLOCK_MS);

        await().atMost(Duration.ofSeconds(90)).until(() -> appender.getMetrics().getSpooled() == 1000);
        assertThat(appender.getMetrics().getAcked()).isZero();

        broker.restart();
        await().atMost(Duration.ofSeconds(90)).until(() -> appender.getMetrics().getReplayed() >= 1000);
        List<String> values = Logback.values(broker.consumeAll(topic, Duration.ofSeconds(60), Map.of()));
        assertThat(values).hasSizeGreaterThanOrEqualTo(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(values).contains("down-" + i);
        }
    }

    @Test
    void brokerStoppedMidRunAndRestartedZeroEventsMissing(KafkaCluster broker) throws Exception {
        LoggerContext context = configure(broker);
        KafkaAppender appender = Logback.appender(context, "KAFKA");
        Logger logger = context.getLogger("app");
        int total = 30_000;
        AtomicInteger logged = new AtomicInteger();
        // a third before the outage, a third during it, a third after: the phases wait on each other, not on time
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch restarted = new java.util.concurrent.CountDownLatch(1);
        Thread producerThread = new Thread(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    if (i == total / 3) {
                        stopped.await();
                    } else if (i == 2 * total / 3) {
                        restarted.await();
                    }
                    logger.info("seq-{}", i);
                    logged.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producerThread.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> appender.getMetrics().getAcked() > 2000);
        broker.stop();
        stopped.countDown();
        await().atMost(Duration.ofSeconds(90))
                .until(() ->
                        logged.get() == 2 * total / 3 && appender.getMetrics().getSpooled() > 0);
        broker.restart();
        restarted.countDown();
        producerThread.join(TimeUnit.SECONDS.toMillis(120));
        assertThat(logged.get()).isEqualTo(total);

        Map<String, Integer> seen = new HashMap<>();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                seen.clear();
                for (String value : Logback.values(broker.consumeAll(topic, Duration.ofSeconds(30), Map.of()))) {
                    seen.merge(value, 1, Integer::sum);
                }
                return seen.size() == total;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    seen.size() + " of " + total + " distinct events in Kafka after 120 s; appender: "
                            + appender.getMetrics().summary() + "; spool: " + SpoolDump.files(dir),
                    e);
        }
        for (int i = 0; i < total; i++) {
            assertThat(seen).containsKey("seq-" + i);
        }
        int duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
        System.out.printf(
                "outage run: %d logged, %d distinct in Kafka, %d duplicates, metrics: %s%n",
                total, seen.size(), duplicates, appender.getMetrics().summary());
        assertThat(appender.getMetrics().getDropped()).isZero();
    }
}
