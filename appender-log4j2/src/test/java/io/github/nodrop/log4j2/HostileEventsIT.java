package io.github.nodrop.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.testkit.KafkaCluster;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.AbstractStringLayout;
import org.apache.logging.log4j.message.SimpleMessage;
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
    LoggerContext context;
    NodropKafkaAppender appender;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop();
        }
        if (appender != null) {
            appender.stop();
        }
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
        try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
            context = Log4j.configure(
                    "<Configuration status='WARN'><Appenders>"
                            + "<NodropKafka name='KAFKA' bootstrapServers='${bootstrap}' topic='${topic}'"
                            + " fallbackDir='${dir}' retryInterval='200 ms'>"
                            + "<PatternLayout pattern='%m%n%ex'/></NodropKafka></Appenders>"
                            + "<Loggers><Root level='INFO'><AppenderRef ref='KAFKA'/></Root></Loggers>"
                            + "</Configuration>",
                    Map.of("bootstrap", kafka.bootstrapServers(), "topic", topic, "dir", dir.toString()));
            Logger logger = context.getLogger("app");
            logger.info("x".repeat(2 * 1024 * 1024)); // over the producer's max.request.size
            logger.info("controls \u0000\u0007\u001b and a lone surrogate \ud800 end");
            logger.info((String) null);
            logger.error("deep", deepStack(10_000));
            logger.info("still-working");

            AppenderMetrics metrics = Log4j.appender(context, "KAFKA").getMetrics();
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            metrics.getAcked() + metrics.getSpooled() + metrics.getQuarantined() + metrics.getDropped()
                                    == 5);
            assertThat(metrics.getQuarantinedRefused())
                    .as("the 2 MB event is refused by Kafka for good")
                    .isEqualTo(1);
            assertThat(metrics.getAcked()).isEqualTo(4);
            assertThat(status.messages)
                    .anyMatch(m -> m.contains("appender 'KAFKA'") && m.contains("refuses the record"));

            List<String> values = Log4j.values(kafka.consume(topic, 4, Duration.ofSeconds(60)));
            assertThat(values).anyMatch(v -> v.startsWith("controls "));
            assertThat(values).anyMatch(v -> v.startsWith("still-working"));
            assertThat(values).anyMatch(v -> v.startsWith("null"));
            assertThat(values).anyMatch(v -> v.startsWith("deep") && v.contains("Recursive.java:10000"));
        }
    }

    /** A layout with a bug: it throws for one message. */
    static final class ThrowingLayout extends AbstractStringLayout {
        ThrowingLayout() {
            super(StandardCharsets.UTF_8);
        }

        @Override
        public String toSerializable(LogEvent event) {
            String message = event.getMessage().getFormattedMessage();
            if (message.contains("poison")) {
                throw new IllegalStateException("layout bug");
            }
            return message;
        }

        @Override
        public Charset getCharset() {
            return StandardCharsets.UTF_8;
        }
    }

    static LogEvent event(String message) {
        return Log4jLogEvent.newBuilder()
                .setLoggerName("app")
                .setLevel(Level.INFO)
                .setMessage(new SimpleMessage(message))
                .build();
    }

    @Test
    void aLayoutThatThrowsCostsOnlyThatEventCountedWithItsReason(KafkaCluster kafka) {
        try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
            appender = NodropKafkaAppender.newBuilder()
                    .setName("KAFKA")
                    .setConfiguration(new DefaultConfiguration())
                    .setBootstrapServers(kafka.bootstrapServers())
                    .setTopic(topic)
                    .setFallbackDir(dir.toString())
                    .setLayout(new ThrowingLayout())
                    .build();
            appender.start();
            appender.append(event("before"));
            appender.append(event("poison"));
            appender.append(event("after"));

            AppenderMetrics metrics = appender.getMetrics();
            await().atMost(Duration.ofSeconds(60)).until(() -> metrics.getAcked() == 2);
            assertThat(metrics.getQuarantinedEncodeError()).isEqualTo(1);
            assertThat(Log4j.values(kafka.consume(topic, 2, Duration.ofSeconds(60))))
                    .containsExactlyInAnyOrder("before", "after");
            assertThat(status.messages).anyMatch(m -> m.contains("appender 'KAFKA'") && m.contains("layout bug"));
        }
    }
}
