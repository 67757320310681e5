package io.github.nodrop.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.SpoolDump;
import io.github.nodrop.testkit.KafkaCluster;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A topic that refuses records older than two seconds (a common guard), and a broker outage longer than
 * that while the application logs: the spooled records are old when Kafka is back and Kafka refuses
 * them. They must end in quarantine, and everything logged after the broker is back must reach Kafka.
 */
@ExtendWith(KafkaExtension.class)
class RefusedRecordsIT {

    static final long MAX_AGE_MS = 2_000;

    @TempDir
    Path dir;

    final String topic = "guarded-" + UUID.randomUUID();
    LoggerContext context;

    @BeforeEach
    void brokerRunning(KafkaCluster broker) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(broker.canRestart(), "needs a broker the test can stop");
        if (!broker.isRunning()) {
            broker.restart();
        }
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
                            .configs(Map.of("message.timestamp.before.max.ms", String.valueOf(MAX_AGE_MS)))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop(KafkaCluster broker) {
        if (context != null) {
            context.stop();
        }
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    @Test
    void oldRecordsKafkaRefusesEndInQuarantineAndLiveOnesKeepFlowing(KafkaCluster broker) throws Exception {
        context = Logback.configure(
                Xml.kafka("<producerConfig>request.timeout.ms=2000</producerConfig>"
                        + "<producerConfig>delivery.timeout.ms=4000</producerConfig>"
                        + "<producerConfig>max.block.ms=1000</producerConfig>"),
                Map.of("bootstrap", broker.bootstrapServers(), "topic", topic, "dir", dir.toString()));
        KafkaAppender appender = Logback.appender(context, "KAFKA");
        AppenderMetrics metrics = appender.getMetrics();
        Logger logger = context.getLogger("app");

        // 1,000 events a second, numbered, from a thread of its own
        AtomicInteger logged = new AtomicInteger();
        AtomicInteger firstAfterRecovery = new AtomicInteger(-1);
        AtomicBoolean running = new AtomicBoolean(true);
        Thread application = new Thread(() -> {
            long start = System.nanoTime();
            for (int n = 0; running.get(); n++) {
                logger.info("seq-{}", n);
                logged.set(n + 1);
                LockSupport.parkNanos(Math.max(0, start + (n + 1) * 1_000_000L - System.nanoTime()));
            }
        });
        application.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.getAcked() > 1_000);
        broker.stop();
        // long enough that the records spooled first are older than the topic allows when Kafka is back
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.getSpooled() > 5_000);
        broker.restart();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> metrics.getQuarantined() + metrics.getReplayQuarantined() > 0);
        await().atMost(Duration.ofSeconds(60)).until(metrics::isKafkaAvailable);
        firstAfterRecovery.set(logged.get());
        int acked = (int) metrics.getAcked();
        await("live events reach Kafka again")
                .atMost(Duration.ofSeconds(30))
                .until(() -> metrics.getAcked() > acked + 2_000);
        running.set(false);
        application.join(10_000);
        int total = logged.get();
        context.stop();
        context = null;

        Set<String> inKafka = new HashSet<>(Logback.values(broker.consumeAll(topic, Duration.ofSeconds(60), Map.of())));
        Set<String> quarantined = new HashSet<>();
        for (EncodedRecord record : SpoolDump.records(SpoolDump.quarantine(dir))) {
            quarantined.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        Set<String> spooled = new HashSet<>();
        for (EncodedRecord record : SpoolDump.records(dir)) {
            spooled.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        String summary = "logged=" + total + " inKafka=" + inKafka.size() + " quarantined=" + quarantined.size()
                + " spooled=" + spooled.size() + " firstAfterRecovery=" + firstAfterRecovery.get() + "; "
                + metrics.summary();
        for (int n = 0; n < total; n++) {
            String event = "seq-" + n;
            assertThat(inKafka.contains(event) || quarantined.contains(event) || spooled.contains(event))
                    .as(event + " is in Kafka, the quarantine or the spool; " + summary)
                    .isTrue();
        }
        for (int n = firstAfterRecovery.get(); n < total; n++) {
            assertThat(inKafka).as("logged after Kafka was back; " + summary).contains("seq-" + n);
        }
        assertThat(quarantined).as(summary).isNotEmpty();
        assertThat(metrics.getDropped()).as(summary).isZero();
        assertThat(metrics.getPending()).as(summary).isZero();
    }
}
