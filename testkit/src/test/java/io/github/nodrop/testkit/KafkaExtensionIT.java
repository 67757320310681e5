package io.github.nodrop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class KafkaExtensionIT {

    private final KafkaCluster injectedInConstructor;

    KafkaExtensionIT(KafkaCluster cluster) {
        this.injectedInConstructor = cluster;
    }

    @Test
    void everyTestOfAClassSharesOneCluster(KafkaCluster cluster) {
        assertThat(cluster).isSameAs(injectedInConstructor);
    }

    @Test
    void theClusterServesClients(KafkaCluster cluster) throws Exception {
        cluster.createTopic("extension", 2);
        try (KafkaProducer<String, String> producer = EmbeddedKafkaBrokerIT.producer(cluster)) {
            producer.send(new ProducerRecord<>("extension", "hello")).get(30, TimeUnit.SECONDS);
        }
        assertThat(EmbeddedKafkaBrokerIT.values(cluster.consume("extension", 1, Duration.ofSeconds(30))))
                .containsExactly("hello");
    }

    @Test
    void anEmbeddedBrokerParameterIsTheSameCluster(EmbeddedKafkaBroker broker) {
        assertThat(broker).isSameAs(injectedInConstructor);
        assertThat(broker.canRestart()).isTrue();
        assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
    }
}
