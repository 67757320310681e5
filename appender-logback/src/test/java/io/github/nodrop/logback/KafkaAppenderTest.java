package io.github.nodrop.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

class KafkaAppenderTest {

    @TempDir
    Path dir;

    LoggerContext context = Logback.newContext();
    final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    @AfterEach
    void stop() {
        context.getStatusManager().getCopyOfStatusList().forEach(s -> {
            System.out.println(s);
            if (s.getThrowable() != null) s.getThrowable().printStackTrace(System.out);
        });
        context.stop();
        Logback.assertEveryEventHadAFate(context);
    }

    KafkaAppender appender() {
        KafkaAppender appender = new KafkaAppender();
        appender.setContext(context);
        appender.setName("KAFKA");
        appender.setBootstrapServers("127.0.0.1:9");
        appender.setTopic("app-logs");
        appender.setFallbackDir(dir.toString());
        appender.setRetryInterval("50 ms");
        appender.setProducerFactory(config -> producer);
        return appender;
    }

    Logger attach(KafkaAppender appender) {
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        return context.getLogger("com.example.Orders");
    }

    static PatternLayoutEncoder pattern(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    static String value(ProducerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    static boolean jsonEncoderAvailable() {
        try {
            Class.forName("ch.qos.logback.classic.encoder.JsonEncoder");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** What the README's "Testing your own logging" shows: the configured appender, restarted on a MockProducer. */
    @Test
    void aRunningAppenderRestartedOnAMockProducerSendsThroughIt() {
        MockProducer<byte[], byte[]> first =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaAppender configured = appender();
        configured.setProducerFactory(config -> first);
        configured.setEncoder(pattern(context, "%msg"));
        Logger logger = attach(configured);
        logger.info("before the swap");
        await().atMost(Duration.ofSeconds(10)).until(() -> first.history().size() == 1);

        KafkaAppender kafka =
                (KafkaAppender) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("KAFKA");
        kafka.stop();
        kafka.setProducerFactory(config -> producer);
        kafka.start();
        logger.info("order {} placed", 42);

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        assertThat(value(producer.history().get(0))).isEqualTo("order 42 placed");
        assertThat(first.history()).hasSize(1);
        assertThat(kafka.getMetrics().getAcked()).isEqualTo(1);
    }

    @Test
    void byDefaultEventsAreSentAsLogbackJsonWithoutATrailingLineBreak() {
        org.junit.jupiter.api.Assumptions.assumeTrue(jsonEncoderAvailable(), "needs Logback 1.3.8 or later");
        Logger logger = attach(appender());
        logger.info("order {} placed", 42);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        ProducerRecord<byte[], byte[]> record = producer.history().get(0);
        assertThat(record.topic()).isEqualTo("app-logs");
        assertThat(record.key()).isNull();
        assertThat(value(record))
                .startsWith("{")
                .endsWith("}")
                .contains("\"level\":\"INFO\"")
                .contains("\"loggerName\":\"com.example.Orders\"")
                .contains("\"formattedMessage\":\"order 42 placed\"");
    }

    @Test
    void withALogbackWithoutJsonEncoderEventsAreSentAsTextLinesAndAWarningSaysWhy() {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                jsonEncoderAvailable(), "runs with a Logback before 1.3.8 (compat/run.sh)");
        Logger logger = attach(appender());
        logger.info("order {} placed", 42);
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        assertThat(value(producer.history().get(0))).contains("INFO").contains("com.example.Orders - order 42 placed");
        assertThat(Logback.statusMessages(context, ch.qos.logback.core.status.Status.WARN))
                .anyMatch(m -> m.contains("appender 'KAFKA'") && m.contains("no JsonEncoder"));
    }

    @Test
    void keyPatternMdcHeadersAndFixedPartitionAreApplied() {
        KafkaAppender appender = appender();
        appender.setEncoder(pattern(context, "%level %msg"));
        appender.setKey("%X{requestId}");
        appender.addMdcHeader("requestId");
        appender.addMdcHeader("tenant");
        appender.setPartition(0);
        Logger logger = attach(appender);
        MDC.put("requestId", "r-7");
        try {
            logger.warn("with key");
        } finally {
            MDC.clear();
        }
        logger.warn("without key");
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        ProducerRecord<byte[], byte[]> keyed = producer.history().get(0);
        assertThat(new String(keyed.key(), StandardCharsets.UTF_8)).isEqualTo("r-7");
        assertThat(value(keyed)).isEqualTo("WARN with key");
        assertThat(keyed.partition()).isEqualTo(0);
        assertThat(keyed.headers().lastHeader("requestId").value()).isEqualTo("r-7".getBytes(StandardCharsets.UTF_8));
        assertThat(keyed.headers().lastHeader("tenant")).isNull();
        assertThat(producer.history().get(1).key())
                .as("empty pattern output means no key")
                .isNull();
    }

    @Test
    void eventsKafkaDidNotTakeAlsoReachTheAppenderRefs() {
        MockProducer<byte[], byte[]> failing =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        failing.partitionsForException = new TimeoutException("down");
        ListAppender<ILoggingEvent> file = new ListAppender<>();
        file.setContext(context);
        file.setName("FILE");
        file.start();
        KafkaAppender appender = appender();
        appender.setProducerFactory(config -> failing);
        appender.addAppender(file);
        Logger logger = attach(appender);

        logger.info("will fail");
        await().atMost(Duration.ofSeconds(10)).until(() -> failing.history().size() == 1);
        failing.errorNext(new TimeoutException("broker gone"));
        logger.info("goes straight to the spool");

        await().atMost(Duration.ofSeconds(10)).until(() -> file.list.size() == 2);
        assertThat(file.list.stream().map(ILoggingEvent::getFormattedMessage))
                .containsExactly("will fail", "goes straight to the spool");
        assertThat(appender.getMetrics().getSpooledFailed()).isEqualTo(2);
    }

    /** The README's other testing recipe: the factory named in logback-test.xml, no real producer made. */
    @Test
    void aProducerFactoryNamedInTheXmlMakesTheProducers() {
        MockProducers.MADE.clear();
        LoggerContext configured = Logback.configure(
                "<configuration>"
                        + "<appender name='KAFKA' class='io.github.nodrop.logback.KafkaAppender'>"
                        + "<bootstrapServers>127.0.0.1:9</bootstrapServers><topic>app-logs</topic>"
                        + "<fallbackDir>" + dir + "</fallbackDir>"
                        + "<producerFactory class='io.github.nodrop.logback.MockProducers'/>"
                        + "</appender><root level='INFO'><appender-ref ref='KAFKA'/></root></configuration>",
                Map.of());
        try {
            configured.getLogger("com.example.Orders").info("order 42 placed");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> MockProducers.MADE.stream()
                            .anyMatch(p -> p.history().stream().anyMatch(r -> value(r).contains("order 42 placed"))));
        } finally {
            configured.stop();
        }
    }

    /** The README's testing recipe (stop, set the producer factory, start) keeps the appender-refs working. */
    @Test
    void aRestartedAppenderStillFeedsItsAppenderRefsAndLeavesASharedOneRunning() {
        ListAppender<ILoggingEvent> file = new ListAppender<>();
        file.setContext(context);
        file.setName("FILE");
        file.start();
        KafkaAppender appender = appender();
        appender.addAppender(file);
        Logger logger = attach(appender);
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file); // also on the root, as a console would be

        MockProducer<byte[], byte[]> failing =
                new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        appender.stop();
        appender.setProducerFactory(config -> failing);
        appender.setShutdownTimeout("0"); // the replay's sends never complete here: spool them at stop
        appender.start();
        assertThat(file.isStarted()).as("the shared appender runs again").isTrue();

        logger.info("will fail");
        await().atMost(Duration.ofSeconds(10)).until(() -> failing.history().size() == 1);
        failing.errorNext(new TimeoutException("broker gone"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> file.list.stream()
                                .filter(e -> e.getFormattedMessage().equals("will fail"))
                                .count()
                        == 2); // once from the root, once as the event Kafka did not take
        assertThat(appender.getAppender("FILE")).isSameAs(file);
    }

    @Test
    void kafkasOwnLoggersNeverReachKafkaAndAreCounted() {
        KafkaAppender appender = appender();
        Logger root = attach(appender);
        context.getLogger("org.apache.kafka.clients.NetworkClient").warn("connection lost");
        context.getLogger("kafka.server.BrokerServer").warn("broker talk");
        root.info("application event");
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        assertThat(value(producer.history().get(0))).contains("application event");
        assertThat(producer.history()).hasSize(1);
        assertThat(appender.getMetrics().getSkippedClientEvents()).isEqualTo(2);
        assertThat(appender.getMetrics().getAccepted())
                .as("skipped events are not accepted")
                .isEqualTo(1);
    }

    @Test
    void badConfigIsReportedNamingTheAppenderAndTheSettingAndTheAppFinesOn() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        LoggerContext bad = Logback.configure(
                "<configuration>"
                        + "<appender name='KAFKA' class='io.github.nodrop.logback.KafkaAppender'>"
                        + "<bootstrapServers>127.0.0.1:9</bootstrapServers>"
                        + "<maxFallbackFileSize>lots</maxFallbackFileSize>"
                        + "<producerConfig>compresion.type=lz4</producerConfig>"
                        + "<fallbackDir>${dir}/spool</fallbackDir>"
                        + "</appender>"
                        + "<root level='INFO'><appender-ref ref='KAFKA'/></root>"
                        + "</configuration>",
                Map.of("dir", notADirectory.toString()));
        try {
            List<String> errors = Logback.errors(bad);
            assertThat(errors)
                    .anyMatch(e -> e.equals("appender 'KAFKA': topic is required"))
                    .anyMatch(e -> e.contains("appender 'KAFKA': maxFallbackFileSize 'lots' is not a size"))
                    .anyMatch(e -> e.contains("producerConfig compresion.type is not a Kafka producer setting"
                            + " (did you mean compression.type?)"));
            assertThat(Logback.appender(bad, "KAFKA").isStarted()).isFalse();
            bad.getLogger("app").info("the application keeps running");
        } finally {
            bad.stop();
        }
    }

    @Test
    void anUnwritableFallbackDirIsReportedAtStart() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        KafkaAppender appender = appender();
        appender.setFallbackDir(notADirectory.resolve("spool").toString());
        appender.start();
        assertThat(appender.isStarted()).isFalse();
        assertThat(Logback.errors(context))
                .anyMatch(e -> e.contains("appender 'KAFKA': fallbackDir") && e.contains("cannot be used"));
    }

    @Test
    void stopReportsTheCountersAndIsIdempotent() {
        Logger logger = attach(appender());
        for (int i = 0; i < 100; i++) {
            logger.info("e{}", i);
        }
        KafkaAppender appender = Logback.appender(context, "KAFKA");
        appender.stop();
        appender.stop();
        assertThat(appender.getMetrics().getAcked()).isEqualTo(100);
        assertThat(Logback.statusMessages(context, 0))
                .anyMatch(m -> m.startsWith("appender 'KAFKA': stopped: accepted=100 = acked 100 + spooled 0"));
        assertThat(producer.history().stream().map(KafkaAppenderTest::value).collect(Collectors.toList()))
                .hasSize(100);
    }

    /** Logs one event the encoder cannot encode, and returns what reached standard error meanwhile. */
    String standardErrorWhileAnEventIsQuarantined() {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            KafkaAppender appender = appender();
            appender.setEncoder(new PatternLayoutEncoder() {
                @Override
                public byte[] encode(ILoggingEvent event) {
                    throw new IllegalStateException("encoder bug");
                }
            });
            Logger logger = attach(appender);
            logger.info("cannot be encoded");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> appender.getMetrics().getQuarantined() == 1);
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAStatusListenerWarningsAndLossesAlsoReachStandardError() {
        assertThat(standardErrorWhileAnEventIsQuarantined())
                .contains("nodrop WARN appender 'KAFKA': quarantined an event")
                .contains("encoder bug");
    }

    @Test
    void withAStatusListenerNothingIsPrintedToStandardError() {
        context.getStatusManager().add(status -> {});
        assertThat(standardErrorWhileAnEventIsQuarantined()).doesNotContain("nodrop WARN");
        assertThat(Logback.statusMessages(context, ch.qos.logback.core.status.Status.WARN))
                .anyMatch(m -> m.contains("quarantined an event"));
    }

    @Test
    void durableModeIsConfiguredWithItsOwnSettings() {
        KafkaAppender appender = appender();
        appender.setDurable(true);
        appender.setJournalSize("2MB");
        appender.setJournalSyncInterval("1 second");
        Logger logger = attach(appender);
        logger.info("journaled");
        await().atMost(Duration.ofSeconds(10)).until(() -> appender.getMetrics().getAcked() == 1);
        assertThat(appender.getMetrics().isDurable()).isTrue();
        assertThat(dir.resolve("journal-KAFKA-0.ndj")).exists();
    }

    @Test
    void aBadJournalSettingStopsTheAppenderFromStartingAndIsNamed() {
        KafkaAppender appender = appender();
        appender.setDurable(true);
        appender.setJournalSize("2TB");
        appender.start();
        assertThat(appender.isStarted()).isFalse();
        assertThat(Logback.errors(context)).anyMatch(e -> e.contains("appender 'KAFKA': journalSize"));
    }
}
