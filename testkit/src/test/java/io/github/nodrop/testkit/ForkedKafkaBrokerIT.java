package io.github.nodrop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class ForkedKafkaBrokerIT {

    @Test
    void aBrokerInAChildJvmKeepsItsDataAndAddressAcrossARestart() throws Exception {
        try (ForkedKafkaBroker broker = ForkedKafkaBroker.start()) {
            long firstPid = broker.pid();
            assertThat(firstPid).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
            broker.createTopic("forked", 1);
            Properties props = broker.clientProperties();
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                producer.send(new ProducerRecord<>("forked", "before")).get(30, TimeUnit.SECONDS);
                broker.stop();
                assertThat(ProcessHandle.of(firstPid)
                                .map(ProcessHandle::isAlive)
                                .orElse(false))
                        .isFalse();
                broker.restart();
                producer.send(new ProducerRecord<>("forked", "after")).get(60, TimeUnit.SECONDS);
            }
            assertThat(broker.consume("forked", 2, Duration.ofSeconds(30)))
                    .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("before", "after");
        }
    }
}
