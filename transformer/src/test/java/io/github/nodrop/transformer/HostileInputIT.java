package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Input that would stop a naive consumer: each bad record goes to the dead-letter topic, or is reported
 * and skipped when even that topic cannot take it, and the records after it still flow.
 */
@ExtendWith(KafkaExtension.class)
class HostileInputIT {

    static final int TWELVE_MB = 12 * 1024 * 1024;

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String input = "hostile-" + run;
    final String output = input + "-enriched";
    Transformer transformer;

    @AfterEach
    void stop() {
        if (transformer != null) {
            transformer.close();
        }
    }

    static byte[] jsonOfSize(int size) {
        StringBuilder json = new StringBuilder(size).append("{\"msg\":\"");
        while (json.length() < size - 2) {
            json.append('x');
        }
        return json.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] nested(int depth) {
        return ("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}").getBytes(StandardCharsets.UTF_8);
    }

    void produce(EmbeddedKafkaBroker broker, List<byte[]> values) throws Exception {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(TWELVE_MB));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(input, Records.key(i), values.get(i)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void everyHostileRecordIsDeadLetteredOrSkippedAndTheRestFlowOn(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(
                            new NewTopic(input, 1, (short) 1)
                                    .configs(Map.of("max.message.bytes", String.valueOf(TWELVE_MB))),
                            new NewTopic(output, 1, (short) 1),
                            new NewTopic(input + ".dlq", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        byte[] randomBytes = new byte[1000];
        new Random(42).nextBytes(randomBytes);
        List<byte[]> values = new ArrayList<>(Records.events(0, 50));
        values.add(randomBytes);
        values.add(new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xc3, (byte) 0x28, '"', '}'}); // invalid UTF-8
        values.add(nested(100_000));
        values.add(null); // a tombstone: key, no value
        values.add(jsonOfSize(10 * 1024 * 1024)); // 10 MB: over the limit of the output and of the DLQ
        values.add(jsonOfSize(1024 * 1024 + 100)); // just over the output's max.request.size
        values.addAll(Records.events(50, 50));
        produce(broker, values);

        transformer = TransformerConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .input(input)
                .output(output)
                .groupId("group-" + run)
                .statsInterval(Duration.ZERO)
                .create();
        transformer.start();

        TransformerMetrics metrics = transformer.metrics();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> metrics.getProduced() + metrics.getDeadLettered() + metrics.getSkipped() == 106);
        assertThat(metrics.getProduced()).isEqualTo(100);
        assertThat(metrics.getDeadLettered())
                .as("random, invalid UTF-8, deep, tombstone")
                .isEqualTo(4);
        assertThat(metrics.getSkipped())
                .as("too large for the output and the DLQ")
                .isEqualTo(2);
        assertThat(transformer.failure()).isNull();

        List<ConsumerRecord<byte[], byte[]>> dead = broker.consume(input + ".dlq", 4, Duration.ofSeconds(60));
        assertThat(dead).hasSize(4);
        assertThat(dead).anyMatch(r -> r.value() == null);
        assertThat(dead).anyMatch(r -> r.value() != null && r.value().length == randomBytes.length);

        List<ConsumerRecord<byte[], byte[]>> enriched = broker.consume(output, 100, Duration.ofSeconds(60));
        assertThat(enriched).hasSize(100);
        for (ConsumerRecord<byte[], byte[]> record : enriched) {
            assertThat(Records.hashMatches(new String(record.value(), StandardCharsets.UTF_8)))
                    .isTrue();
        }

        // still running: a record produced now goes through
        produce(broker, Records.events(100, 1));
        await().atMost(Duration.ofSeconds(60)).until(() -> metrics.getProduced() == 101);
    }
}
