package io.github.nodrop.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.core.SpoolDump;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodropKafkaAppenderTest {

    @TempDir
    Path dir;

    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final io.github.nodrop.core.ProducerFactory factory = config -> producer;
    NodropKafkaAppender appender;

    @AfterEach
    void stop() {
        if (appender != null) {
            appender.stop();
        }
        ThreadContext.clearAll();
    }

    NodropKafkaAppender.Builder<?> builder(String name) {
        return NodropKafkaAppender.newBuilder()
                .setName(name)
                .setConfiguration(new DefaultConfiguration())
                .setBootstrapServers("127.0.0.1:9")
                .setTopic("app-logs")
                .setFallbackDir(dir.toString())
                .setRetryInterval("50 ms")
                .setProducerFactory(factory);
    }

    static LogEvent event(String logger, String message) {
        return Log4jLogEvent.newBuilder()
                .setLoggerName(logger)
                .setLevel(Level.INFO)
                .setMessage(new SimpleMessage(message))
                .setTimeMillis(1_700_000_000_000L)
                .setContextData(org.apache.logging.log4j.core.impl.ContextDataFactory.createContextData(
                        ThreadContext.getImmutableContext()))
                .build();
    }

    static String value(ProducerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    @Test
    void byDefaultEventsAreSentAsEcsJsonFromJsonTemplateLayout() {
        appender = builder("KAFKA").build();
        appender.start();
        appender.append(event("com.example.Orders", "order 42 placed"));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        ProducerRecord<byte[], byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo("app-logs");
        assertThat(record.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(value(record))
                .startsWith("{")
                .endsWith("}")
                .contains("\"message\":\"order 42 placed\"")
                .contains("\"log.logger\":\"com.example.Orders\"");
    }

    @Test
    void keyPatternMdcHeadersAndFixedPartitionAreApplied() {
        appender = builder("KAFKA")
                .setLayout(PatternLayout.newBuilder().withPattern("%p %m").build())
                .setKey("%X{requestId}")
                .setMdcHeaders("requestId, tenant")
                .setPartition(0)
                .build();
        appender.start();
        ThreadContext.put("requestId", "r-7");
        appender.append(event("app", "with key"));
        ThreadContext.clearAll();
        appender.append(event("app", "without key"));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        ProducerRecord<byte[], byte[]> keyed = producer.history().get(0);
        assertThat(new String(keyed.key(), StandardCharsets.UTF_8)).isEqualTo("r-7");
        assertThat(value(keyed)).isEqualTo("INFO with key");
        assertThat(keyed.partition()).isEqualTo(0);
        assertThat(keyed.headers().lastHeader("requestId").value()).isEqualTo("r-7".getBytes(StandardCharsets.UTF_8));
        assertThat(keyed.headers().lastHeader("tenant")).isNull();
        assertThat(producer.history().get(1).key()).isNull();
    }

    /** A reusable event as Log4j2's synchronous loggers hand it over, counting the stack walks made for it. */
    static final class ReusedEvent extends org.apache.logging.log4j.core.impl.MutableLogEvent {
        int walks;
        private StackTraceElement seen;

        ReusedEvent(String message) {
            setLoggerName("app");
            setLoggerFqcn(ReusedEvent.class.getName());
            setLevel(Level.INFO);
            setMessage(new SimpleMessage(message));
            setTimeMillis(1_700_000_000_000L);
            setIncludeLocation(true); // what a synchronous logger's LoggerConfig sets by default
        }

        @Override
        public StackTraceElement getSource() {
            StackTraceElement location = super.getSource(); // computed once, then cached by the event
            if (location != null && seen == null) {
                seen = location;
                walks++;
            }
            return location;
        }
    }

    @Test
    void aLayoutThatReadsNoLocationCostsNoStackWalk() {
        appender = builder("KAFKA")
                .setLayout(PatternLayout.newBuilder().withPattern("%p %m").build())
                .build();
        appender.start();
        ReusedEvent event = new ReusedEvent("no location needed");
        appender.append(event);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        assertThat(value(producer.history().get(0))).isEqualTo("INFO no location needed");
        assertThat(event.walks).as("stack walks for a layout without %L").isZero();
        assertThat(event.isIncludeLocation())
                .as("the event is left as other appenders expect it")
                .isTrue();
    }

    @Test
    void aLayoutThatReadsTheLocationGetsTheCallersLine() {
        appender = builder("KAFKA")
                .setLayout(PatternLayout.newBuilder().withPattern("%C %m").build())
                .build();
        appender.start();
        ReusedEvent event = new ReusedEvent("located");
        appender.append(event);
        assertThat(event.walks)
                .as("the location is taken on the logging thread, before append returns")
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        assertThat(value(producer.history().get(0))).endsWith(" located").doesNotStartWith("?");
    }

    @Test
    void kafkasOwnLoggersNeverReachKafkaAndAreCounted() {
        appender = builder("KAFKA").build();
        appender.start();
        appender.append(event("org.apache.kafka.clients.NetworkClient", "connection lost"));
        appender.append(event("kafka.server.BrokerServer", "broker talk"));
        appender.append(event("app", "application event"));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        assertThat(value(producer.history().get(0))).contains("application event");
        assertThat(appender.getMetrics().getSkippedClientEvents()).isEqualTo(2);
        assertThat(appender.getMetrics().getAccepted())
                .as("skipped events are not accepted")
                .isEqualTo(1);
    }

    @Test
    void badConfigIsReportedNamingTheAppenderAndTheSettingAndNoAppenderIsBuilt() {
        try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
            NodropKafkaAppender built = NodropKafkaAppender.newBuilder()
                    .setName("KAFKA")
                    .setConfiguration(new DefaultConfiguration())
                    .setBootstrapServers("127.0.0.1:9")
                    .setMaxFallbackTotalSize("lots")
                    .setPropertyArray(new org.apache.logging.log4j.core.config.Property[] {
                        org.apache.logging.log4j.core.config.Property.createProperty("compresion.type", "lz4"),
                        org.apache.logging.log4j.core.config.Property.createProperty("sasl.jaas.config", "s3cr3t")
                    })
                    .build();
            assertThat(built).isNull();
            assertThat(status.messages)
                    .anyMatch(m -> m.contains("appender 'KAFKA': topic is required"))
                    .anyMatch(m -> m.contains("maxFallbackTotalSize 'lots' is not a size"))
                    .anyMatch(m -> m.contains("compresion.type is not a Kafka producer setting"))
                    .noneMatch(m -> m.contains("s3cr3t"));
        }
    }

    @Test
    void anUnwritableFallbackDirIsReportedAndNoAppenderIsBuilt() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
            assertThat(builder("KAFKA")
                            .setFallbackDir(file.resolve("spool").toString())
                            .build())
                    .isNull();
            assertThat(status.messages).anyMatch(m -> m.contains("appender 'KAFKA': fallbackDir"));
        }
    }

    @Test
    void aMalformedConfigurationFileLeavesTheApplicationLogging() {
        try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
            LoggerContext context = Log4j.configure(
                    "<Configuration><Appenders><NodropKafka name='KAFKA' bootstrapServers='127.0.0.1:9'"
                            + " bufferSize='-5'/></Appenders>"
                            + "<Loggers><Root level='INFO'><AppenderRef ref='KAFKA'/></Root></Loggers>"
                            + "</Configuration>",
                    Map.of());
            try {
                context.getLogger("app").info("the application keeps running");
                assertThat(status.messages)
                        .anyMatch(m -> m.contains("appender 'KAFKA': topic is required"))
                        .anyMatch(m -> m.contains("appender 'KAFKA': bufferSize '-5' must be at least 2"));
            } finally {
                context.stop();
            }
        }
    }

    @Test
    void theSameSettingsReuseTheRunningEngineAcrossReconfiguration() {
        NodropKafkaAppender first = builder("KAFKA").build();
        first.start();
        NodropKafkaAppender second = builder("KAFKA").build(); // a reconfiguration with unchanged settings
        second.start();
        first.append(event("app", "through the old configuration"));
        first.stop(); // the old configuration stops after the new one started
        second.append(event("app", "through the new configuration"));
        appender = second;
        assertThat(second.getMetrics()).isSameAs(first.getMetrics());
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        assertThat(producer.closed()).isFalse();
    }

    @Test
    void stopReportsTheCounters() {
        appender = builder("KAFKA").build();
        appender.start();
        for (int i = 0; i < 100; i++) {
            appender.append(event("app", "e" + i));
        }
        try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
            appender.stop();
            assertThat(appender.getMetrics().getAcked()).isEqualTo(100);
            assertThat(producer.history()).hasSize(100);
        }
    }

    @Test
    void atTheSpoolCapEventsAreDroppedCountedAndReportedOnce() {
        try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
            appender = builder("KAFKA")
                    .setProducerFactory(config -> {
                        throw new IllegalStateException("kafka unreachable");
                    })
                    .setMaxFallbackFileSize("1KB")
                    .setMaxFallbackTotalSize("4KB")
                    .build();
            appender.start();
            for (int i = 0; i < 40; i++) {
                appender.append(event("app", "x".repeat(500)));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> appender.getMetrics().getSpooled()
                                    + appender.getMetrics().getDropped()
                            == 40);
            assertThat(appender.getMetrics().getDroppedSpoolFull()).isPositive();
            assertThat(SpoolDump.totalBytes(dir)).isLessThanOrEqualTo(4096);
            assertThat(status.messages.stream().filter(m -> m.contains("maxFallbackTotalSize")))
                    .hasSize(1);
        }
    }

    @Test
    void aShutdownTimeoutSetInTheLog4j2ConfigurationBoundsTheStop() {
        MockProducer<byte[], byte[]> silent =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        DefaultConfiguration configuration = new DefaultConfiguration() {
            {
                shutdownTimeoutMillis = 100; // <Configuration shutdownTimeout="100">
            }
        };
        try (Log4j.StatusCapture status = new Log4j.StatusCapture(Level.INFO)) {
            appender = builder("KAFKA")
                    .setConfiguration(configuration)
                    .setShutdownTimeout("60 seconds")
                    .setProducerFactory(config -> silent)
                    .build();
            appender.start();
            for (int i = 0; i < 10; i++) {
                appender.append(event("app", "e" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> silent.history().size() == 10);
            appender.stop();
            assertThat(appender.getMetrics().getSpooledShutdown()).isEqualTo(10);
            assertThat(status.messages).anyMatch(m -> m.contains("stopped:") && m.contains("waited up to 100 ms"));
        }
    }

    @Test
    void withoutOneTheAppendersOwnShutdownTimeoutApplies() {
        try (Log4j.StatusCapture status = new Log4j.StatusCapture(Level.INFO)) {
            appender = builder("KAFKA").setShutdownTimeout("3 seconds").build();
            appender.start();
            appender.append(event("app", "e"));
            appender.stop(50, java.util.concurrent.TimeUnit.MILLISECONDS); // what LogManager.shutdown() passes
            assertThat(appender.getMetrics().getAcked()).isEqualTo(1);
            assertThat(status.messages).anyMatch(m -> m.contains("stopped:") && m.contains("waited up to 3000 ms"));
        }
    }

    @Test
    void durableModeIsConfiguredWithItsAttributes() {
        appender = builder("KAFKA").setDurable(true).setJournalSize("2MB").build();
        appender.start();
        appender.append(event("app", "journaled"));
        await().atMost(Duration.ofSeconds(10)).until(() -> appender.getMetrics().getAcked() == 1);
        assertThat(appender.getMetrics().isDurable()).isTrue();
        assertThat(dir.resolve("journal-KAFKA-0.ndj")).exists();
    }
}
