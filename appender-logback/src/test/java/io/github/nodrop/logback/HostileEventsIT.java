package io.github.nodrop.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.testkit.KafkaCluster;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Events that break lesser appenders: each is delivered, spooled or dropped with a reason, and logging goes on. */
@ExtendWith(KafkaExtension.class)
class HostileEventsIT {

    @TempDir
    Path dir;

    final String topic = "hostile-" + UUID.randomUUID();
    LoggerContext context = Logback.newContext();
    KafkaAppender appender;
    ListAppender<ILoggingEvent> undelivered = new ListAppender<>();

    @AfterEach
    void stop() {
        context.stop();
        Logback.assertEveryEventHadAFate(context);
    }

    Logger start(KafkaCluster kafka, ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder) {
        undelivered.setContext(context);
        undelivered.start();
        appender = new KafkaAppender();
        appender.setContext(context);
        appender.setName("KAFKA");
        appender.setBootstrapServers(kafka.bootstrapServers());
        appender.setTopic(topic);
        appender.setFallbackDir(dir.toString());
        appender.setEncoder(encoder);
        appender.addAppender(undelivered);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return context.getLogger("app");
    }

    PatternLayoutEncoder pattern(String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    static Throwable deepStack(int depth) {
        IllegalStateException error = new IllegalStateException(depth + " frames down");
        StackTraceElement[] frames = new StackTraceElement[depth];
        for (int i = 0; i < depth; i++) {
            frames[i] = new StackTraceElement("com.example.Recursive", "descend", "Recursive.java", i + 1);
        }
        error.setStackTrace(frames);
        return error;
    }

    @Test
    void oversizedWeirdAndNullEventsNeverBreakTheAppender(KafkaCluster kafka) {
        Logger logger = start(kafka, pattern("%msg%n%ex"));
        logger.info("x".repeat(2 * 1024 * 1024)); // over the producer's max.request.size
        logger.info("controls \u0000\u0007\u001b and a lone surrogate \ud800 end");
        logger.info(null);
        logger.error("deep", deepStack(10_000));
        logger.info("still-working");

        AppenderMetrics metrics = appender.getMetrics();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> metrics.getAcked() + metrics.getSpooled() + metrics.getQuarantined() + metrics.getDropped()
                        == 5);
        assertThat(metrics.getQuarantinedRefused())
                .as("the 2 MB event is refused by Kafka for good")
                .isEqualTo(1);
        assertThat(undelivered.list).anyMatch(e -> e.getFormattedMessage().length() == 2 * 1024 * 1024);
        assertThat(Logback.statusMessages(context, ch.qos.logback.core.status.Status.WARN))
                .anyMatch(m -> m.contains("appender 'KAFKA'") && m.contains("refuses the record"));

        List<String> values = Logback.values(kafka.consume(topic, 3, Duration.ofSeconds(60)));
        assertThat(values).anyMatch(v -> v.startsWith("controls "));
        assertThat(values).anyMatch(v -> v.startsWith("still-working"));
        assertThat(values).anyMatch(v -> v.startsWith("null"));
    }

    @Test
    void anEncoderThatThrowsCostsOnlyThatEventCountedWithItsReason(KafkaCluster kafka) {
        PatternLayoutEncoder throwing = new PatternLayoutEncoder() {
            @Override
            public byte[] encode(ILoggingEvent event) {
                if (event.getFormattedMessage().contains("poison")) {
                    throw new IllegalStateException("encoder bug");
                }
                return super.encode(event);
            }
        };
        throwing.setContext(context);
        throwing.setPattern("%msg");
        throwing.start();
        Logger logger = start(kafka, throwing);
        logger.info("before");
        logger.info("poison");
        logger.info("after");

        AppenderMetrics metrics = appender.getMetrics();
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.getAcked() == 2);
        assertThat(metrics.getQuarantinedEncodeError()).isEqualTo(1);
        assertThat(Logback.values(kafka.consume(topic, 2, Duration.ofSeconds(60))))
                .containsExactlyInAnyOrder("before", "after");
        assertThat(Logback.statusMessages(context, ch.qos.logback.core.status.Status.WARN))
                .anyMatch(m -> m.contains("encoder failed") && m.contains("encoder bug"));
    }
}
