package io.github.nodrop.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.nodrop.logback.KafkaAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Starts the whole application, with the {@code KAFKA} appender of {@code logback-spring.xml} sending to a
 * {@link MockProducer} ({@link MockKafkaInitializer}), and reads nodrop's counters over HTTP from {@code
 * /actuator/metrics}. The heartbeat logs every 100 ms throughout, as a live application would.
 */
@SpringBootTest(
        webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {
            "server.address=127.0.0.1",
            "nodrop.kafka.bootstrap-servers=127.0.0.1:9",
            "nodrop.kafka.topic=example-test-logs",
            "nodrop.kafka.fallback-dir=target/kafka-fallback-test",
            "example.heartbeat-interval=100ms"
        })
@ContextConfiguration(initializers = MockKafkaInitializer.class)
class ExampleApplicationIT {

    private static final int LINES = 500;
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String NUMBERED_LOGGER = "com.example.Orders";

    @Autowired
    private MockProducer<byte[], byte[]> kafka;

    @Autowired
    private TestRestTemplate http;

    @Autowired
    private ObjectMapper json;

    @LocalServerPort
    private int port;

    @Test
    void theAppenderTakesItsSettingsFromSpringProperties() {
        KafkaAppender appender = ExampleApplication.kafkaAppender(ExampleApplication.KAFKA_APPENDER);

        assertThat(appender).isNotNull();
        assertThat(appender.isStarted()).isTrue();
        assertThat(appender.getBootstrapServers()).isEqualTo("127.0.0.1:9");
        assertThat(appender.getTopic()).isEqualTo("example-test-logs");
        assertThat(appender.getFallbackDir()).isEqualTo("target/kafka-fallback-test");
    }

    @Test
    void everyNumberedLineReachesKafkaOnceAndTheCountersOnActuatorSaySo() throws Exception {
        Logger orders = LoggerFactory.getLogger(NUMBERED_LOGGER);
        for (int i = 1; i <= LINES; i++) {
            orders.info("order {} placed", i);
        }

        await().atMost(DEADLINE).until(() -> numberedLines().size() >= LINES);
        assertThat(numberedLines())
                .containsExactlyInAnyOrderElementsOf(
                        IntStream.rangeClosed(1, LINES).boxed().toList());
        assertThat(kafka.history()).extracting(ProducerRecord::topic).containsOnly("example-test-logs");

        assertThat(metricNames())
                .contains(
                        "nodrop.events.accepted",
                        "nodrop.events.acked",
                        "nodrop.events.spooled",
                        "nodrop.events.quarantined",
                        "nodrop.events.dropped",
                        "nodrop.events.replayed",
                        "nodrop.events.pending",
                        "nodrop.spool.bytes",
                        "nodrop.kafka.available");
        // the heartbeat and Spring go on logging: wait for a moment when all that was accepted is acknowledged
        await().atMost(DEADLINE).untilAsserted(() -> {
            double accepted = metric("nodrop.events.accepted");
            double acked = metric("nodrop.events.acked");
            assertThat(acked).isEqualTo(accepted).isEqualTo(kafka.history().size());
            assertThat(metric("nodrop.events.pending")).isZero();
        });
        assertThat(metric("nodrop.events.acked")).isGreaterThanOrEqualTo(LINES);
        assertThat(metric("nodrop.events.spooled")).isZero();
        assertThat(metric("nodrop.events.quarantined")).isZero();
        assertThat(metric("nodrop.events.dropped")).isZero();
        assertThat(metric("nodrop.events.dropped", "reason:buffer_full")).isZero();
        assertThat(metric("nodrop.events.replayed")).isZero();
        assertThat(metric("nodrop.spool.bytes")).isZero();
        assertThat(metric("nodrop.kafka.available")).isEqualTo(1);
    }

    /** The numbers of the lines {@link #NUMBERED_LOGGER} logged that reached Kafka. */
    private List<Integer> numberedLines() throws Exception {
        List<Integer> numbers = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : kafka.history()) {
            JsonNode event = json.readTree(record.value());
            if (NUMBERED_LOGGER.equals(event.path("loggerName").asText())) {
                String message = event.path("formattedMessage").asText();
                numbers.add(Integer.parseInt(message.replaceAll("\\D", "")));
            }
        }
        return numbers;
    }

    private List<String> metricNames() throws Exception {
        List<String> names = new ArrayList<>();
        get("/actuator/metrics").path("names").forEach(name -> names.add(name.asText()));
        return names;
    }

    /** A meter of the {@code KAFKA} appender, summed over the meters the extra tags leave. */
    private double metric(String name, String... tags) throws Exception {
        StringBuilder path = new StringBuilder("/actuator/metrics/" + name + "?tag=appender:KAFKA");
        for (String tag : tags) {
            path.append("&tag=").append(tag);
        }
        JsonNode measurements = get(path.toString()).path("measurements");
        assertThat(measurements).as("measurements of %s", name).hasSize(1);
        return measurements.get(0).path("value").asDouble();
    }

    private JsonNode get(String path) throws Exception {
        String body = http.getForObject("http://127.0.0.1:" + port + path, String.class);
        assertThat(body).as("GET %s", path).isNotNull();
        return json.readTree(body);
    }
}
