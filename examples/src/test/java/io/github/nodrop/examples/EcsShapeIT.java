package io.github.nodrop.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.log4j2.NodropKafkaAppender;
import io.github.nodrop.logback.KafkaAppender;
import io.github.nodrop.testkit.KafkaCluster;
import io.github.nodrop.testkit.KafkaExtension;
import io.github.nodrop.transformer.Transformer;
import io.github.nodrop.transformer.TransformerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.logging.log4j.ThreadContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * The examples' Logback and Log4j2 configurations log the same numbered events into one topic; the
 * transformer enriches it; both frameworks' events must come out once each, with a correct hash, and with
 * the same ECS fields.
 */
@ExtendWith(KafkaExtension.class)
class EcsShapeIT {

    static final int EVENTS = 40;
    static final int FAILING = 17;
    static final String LOGGER = "com.example.orders.OrderService";
    static final String SERVICE = "ecs-shape-service";
    static final String LOGBACK_THREAD = "ecs-shape-logback";
    static final String LOG4J2_THREAD = "ecs-shape-log4j2";
    static final List<String> ECS_FIELDS = List.of(
            "@timestamp",
            "log.level",
            "message",
            "ecs.version",
            "process.thread.name",
            "log.logger",
            "service.name",
            "requestId");
    static final List<String> SAME_VALUES =
            List.of("log.level", "message", "ecs.version", "log.logger", "service.name", "requestId");
    static final List<String> ERROR_FIELDS = List.of("error.type", "error.message", "error.stack_trace");
    static final Pattern SEQ = Pattern.compile("^event (\\d+) ");
    static final Pattern HASH_MEMBER = Pattern.compile(",\"hash\":\"([0-9a-f]{32})\"}$");
    static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");
    static final ObjectMapper JSON = new ObjectMapper();

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String topic = "ecs-shape-" + run;
    final String enriched = topic + "-enriched";

    static String message(int seq) {
        return "event " + seq + " order \"A-" + seq + "\" placed\tfor customer " + seq % 7 + " in Z\u00fcrich";
    }

    static String requestId(int seq) {
        return "req-" + seq;
    }

    static IllegalStateException failure(int seq) {
        return new IllegalStateException("order A-" + seq + " could not be placed", new IOException("disk full\u0001"));
    }

    @Test
    void bothFrameworksWriteTheSameEcsFieldsAndTheTransformerEnrichesEachEventOnce(
            KafkaCluster kafka, @TempDir Path fallback) throws Exception {
        kafka.createTopic(topic, 2);
        kafka.createTopic(enriched, 2);
        kafka.createTopic(topic + ".dlq", 1);

        AppenderMetrics logback = logThroughLogback(kafka.bootstrapServers(), fallback.resolve("logback"));
        AppenderMetrics log4j2 = logThroughLog4j2(kafka.bootstrapServers(), fallback.resolve("log4j2"));
        for (AppenderMetrics metrics : List.of(logback, log4j2)) {
            assertThat(metrics.getAcked()).as(metrics.summary()).isEqualTo(EVENTS);
        }

        Transformer transformer = TransformerConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .input(topic)
                .output(enriched)
                .groupId("ecs-shape-" + run)
                .statsInterval(Duration.ZERO)
                .create();
        transformer.start();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> transformer.metrics().getProduced()
                                    + transformer.metrics().getDeadLettered()
                            >= 2 * EVENTS);
            assertThat(transformer.metrics().getDeadLettered()).isZero();
        } finally {
            transformer.close();
        }

        List<String> originals = values(kafka.consumeAll(topic, Duration.ofSeconds(20), Map.of()));
        List<String> outputs = values(kafka.consume(enriched, 2 * EVENTS, Duration.ofSeconds(20)));
        assertThat(kafka.consumeAll(topic + ".dlq", Duration.ofSeconds(10), Map.of()))
                .isEmpty();
        assertThat(originals).hasSize(2 * EVENTS);
        assertThat(outputs).hasSize(2 * EVENTS);

        List<String> unhashed = new ArrayList<>();
        Map<String, Map<Integer, JsonNode>> byThread = new TreeMap<>();
        for (String output : outputs) {
            Matcher hash = HASH_MEMBER.matcher(output);
            assertThat(hash.find()).as(output).isTrue();
            String original = output.substring(0, hash.start()) + "}";
            assertThat(hash.group(1)).as(output).isEqualTo(md5Hex(original.getBytes(StandardCharsets.UTF_8)));
            unhashed.add(original);

            JsonNode event = JSON.readTree(original);
            Matcher seq = SEQ.matcher(event.path("message").asText());
            assertThat(seq.find()).as(original).isTrue();
            JsonNode previous = byThread.computeIfAbsent(
                            event.path("process.thread.name").asText(), thread -> new TreeMap<>())
                    .put(Integer.parseInt(seq.group(1)), event);
            assertThat(previous).as("a second copy of " + original).isNull();
        }
        assertThat(unhashed)
                .as("the enriched records are the logged ones")
                .containsExactlyInAnyOrderElementsOf(originals);
        assertThat(byThread).containsOnlyKeys(LOGBACK_THREAD, LOG4J2_THREAD);

        Map<Integer, JsonNode> fromLogback = byThread.get(LOGBACK_THREAD);
        Map<Integer, JsonNode> fromLog4j2 = byThread.get(LOG4J2_THREAD);
        assertThat(fromLogback).hasSize(EVENTS);
        assertThat(fromLog4j2).hasSize(EVENTS);
        for (int seq = 0; seq < EVENTS; seq++) {
            JsonNode a = fromLogback.get(seq);
            JsonNode b = fromLog4j2.get(seq);
            String both = a + "\n" + b;
            for (JsonNode event : List.of(a, b)) {
                for (String field : ECS_FIELDS) {
                    assertThat(event.path(field).isTextual())
                            .as(field + " in " + event)
                            .isTrue();
                }
                assertThat(event.path("@timestamp").asText()).matches(TIMESTAMP);
            }
            assertThat(fieldNames(a))
                    .as("the same top-level fields in\n" + both)
                    .containsExactlyInAnyOrderElementsOf(fieldNames(b));
            for (String field : SAME_VALUES) {
                assertThat(a.path(field)).as(field + " in\n" + both).isEqualTo(b.path(field));
            }
            assertThat(a.path("message").asText()).isEqualTo(message(seq));
            assertThat(a.path("log.logger").asText()).isEqualTo(LOGGER);
            assertThat(a.path("service.name").asText()).isEqualTo(SERVICE);
            assertThat(a.path("requestId").asText()).isEqualTo(requestId(seq));
            if (seq == FAILING) {
                assertThat(a.path("log.level").asText()).isEqualTo("ERROR");
                for (String field : List.of("error.type", "error.message")) {
                    assertThat(a.path(field)).as(field + " in\n" + both).isEqualTo(b.path(field));
                }
                assertThat(a.path("error.type").asText()).isEqualTo(IllegalStateException.class.getName());
                assertThat(a.path("error.message").asText())
                        .isEqualTo(failure(seq).getMessage());
                for (JsonNode event : List.of(a, b)) {
                    assertThat(event.path("error.stack_trace").asText())
                            .startsWith(IllegalStateException.class.getName() + ": "
                                    + failure(seq).getMessage())
                            .contains("at " + EcsShapeIT.class.getName() + ".failure(")
                            .contains("Caused by: " + IOException.class.getName() + ": disk full\u0001");
                }
            } else {
                assertThat(a.path("log.level").asText()).isEqualTo("INFO");
                for (String field : ERROR_FIELDS) {
                    assertThat(a.has(field) || b.has(field))
                            .as(field + " in\n" + both)
                            .isFalse();
                }
            }
        }
    }

    /** Configures Logback from example-logback.xml in a context of its own, logs the events, and stops it. */
    AppenderMetrics logThroughLogback(String bootstrapServers, Path fallbackDir) throws Exception {
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        context.setName("ecs-shape-logback-" + run);
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.putProperty("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        context.putProperty("TOPIC", topic);
        context.putProperty("FALLBACK_DIR", fallbackDir.toString());
        context.putProperty("SERVICE_NAME", SERVICE);
        KafkaAppender appender;
        try {
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(EcsShapeIT.class.getResource("/example-logback.xml"));
            appender = (KafkaAppender)
                    context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("KAFKA");
            assertThat(appender != null && appender.isStarted())
                    .as("the KAFKA appender of example-logback.xml started: "
                            + context.getStatusManager().getCopyOfStatusList())
                    .isTrue();
            assertThat(new StatusUtil(context).getHighestLevel(0))
                    .as("no warnings while configuring: "
                            + context.getStatusManager().getCopyOfStatusList())
                    .isLessThan(Status.WARN);
            ch.qos.logback.classic.Logger logger = context.getLogger(LOGGER);
            logNumbered(LOGBACK_THREAD, MDC::put, MDC::remove, logger::info, logger::error);
        } finally {
            context.stop();
        }
        return appender.getMetrics();
    }

    /** Configures Log4j2 from example-log4j2.xml in a context of its own, logs the events, and stops it. */
    AppenderMetrics logThroughLog4j2(String bootstrapServers, Path fallbackDir) throws Exception {
        Map<String, String> properties = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "TOPIC", topic,
                "FALLBACK_DIR", fallbackDir.toString(),
                "SERVICE_NAME", SERVICE);
        Map<String, String> saved = new HashMap<>();
        properties.forEach((name, value) -> saved.put(name, System.setProperty(name, value)));
        org.apache.logging.log4j.core.LoggerContext context =
                new org.apache.logging.log4j.core.LoggerContext("ecs-shape-log4j2-" + run);
        NodropKafkaAppender appender;
        try {
            context.setConfigLocation(
                    EcsShapeIT.class.getResource("/example-log4j2.xml").toURI());
            context.start();
            appender = context.getConfiguration().getAppender("KAFKA");
            assertThat(appender).as("the KAFKA appender of example-log4j2.xml").isNotNull();
            org.apache.logging.log4j.Logger logger = context.getLogger(LOGGER);
            logNumbered(LOG4J2_THREAD, ThreadContext::put, ThreadContext::remove, logger::info, logger::error);
        } finally {
            context.stop();
            saved.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
        return appender.getMetrics();
    }

    /** Runs the logging on a thread of the given name, which becomes the events' process.thread.name. */
    /** The same calls through either framework: each event with its request id in the MDC, one with an error. */
    static void logNumbered(
            String thread,
            java.util.function.BiConsumer<String, String> putContext,
            java.util.function.Consumer<String> removeContext,
            java.util.function.Consumer<String> info,
            java.util.function.BiConsumer<String, Throwable> error)
            throws Exception {
        inThread(thread, () -> {
            for (int seq = 0; seq < EVENTS; seq++) {
                putContext.accept("requestId", requestId(seq));
                try {
                    if (seq == FAILING) {
                        error.accept(message(seq), failure(seq));
                    } else {
                        info.accept(message(seq));
                    }
                } finally {
                    removeContext.accept("requestId");
                }
            }
            return null;
        });
    }

    static void inThread(String name, Callable<Void> work) throws Exception {
        FutureTask<Void> task = new FutureTask<>(work);
        new Thread(task, name).start();
        task.get(20, TimeUnit.SECONDS);
    }

    static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    static Set<String> fieldNames(JsonNode event) {
        Set<String> names = new LinkedHashSet<>();
        for (Iterator<String> it = event.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static String md5Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
