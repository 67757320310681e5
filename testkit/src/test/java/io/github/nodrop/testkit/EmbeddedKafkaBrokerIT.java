package io.github.nodrop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerIT {

    @Test
    void roundTripOnLoopback() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            broker.createTopic("round-trip", 3);
            try (KafkaProducer<String, String> producer = producer(broker)) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>("round-trip", "k" + i, "v" + i));
                }
                producer.flush();
            }
            List<ConsumerRecord<byte[], byte[]>> records = broker.consume("round-trip", 30, Duration.ofSeconds(30));
            assertThat(values(records)).hasSize(30).contains("v0", "v29");
            assertThat(records.stream().map(ConsumerRecord::partition).distinct())
                    .hasSize(3);
        }
    }

    @Test
    void recordsSentBeforeAndAfterARestartOnTheSamePortBothArrive() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            int port = broker.port();
            broker.createTopic("restart", 1);
            try (KafkaProducer<String, String> producer = producer(broker)) {
                producer.send(new ProducerRecord<>("restart", "before")).get(30, TimeUnit.SECONDS);

                broker.stop();
                assertThat(broker.isRunning()).isFalse();
                broker.restart();

                assertThat(broker.port()).isEqualTo(port);
                // the same producer, same bootstrap address, reconnects by itself
                producer.send(new ProducerRecord<>("restart", "after")).get(60, TimeUnit.SECONDS);
            }
            assertThat(values(broker.consume("restart", 2, Duration.ofSeconds(30))))
                    .containsExactly("before", "after");
        }
    }

    @Test
    void twoBrokersInOneJvmDoNotCollide() throws Exception {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.start();
                EmbeddedKafkaBroker second = EmbeddedKafkaBroker.start()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.directory()).isNotEqualTo(second.directory());
            for (EmbeddedKafkaBroker broker : List.of(first, second)) {
                try (KafkaProducer<String, String> producer = producer(broker)) {
                    producer.send(new ProducerRecord<>("shared-name", broker.bootstrapServers()))
                            .get(30, TimeUnit.SECONDS);
                }
            }
            assertThat(values(first.consume("shared-name", 1, Duration.ofSeconds(30))))
                    .containsExactly(first.bootstrapServers());
            assertThat(values(second.consume("shared-name", 1, Duration.ofSeconds(30))))
                    .containsExactly(second.bootstrapServers());
        }
    }

    @Test
    void closeDeletesTheDataDirectory() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        broker.close();
        assertThat(broker.directory()).doesNotExist();
        assertThat(broker.isRunning()).isFalse();
    }

    static KafkaProducer<String, String> producer(KafkaCluster cluster) {
        Properties props = cluster.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
    }
}
