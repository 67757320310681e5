package io.github.nodrop.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ContainerKafkaClusterIT {

    @Test
    void roundTripThroughADockerBroker() throws Exception {
        Assumptions.assumeTrue(ContainerKafkaCluster.dockerAvailable(), "no Docker engine: skipped");
        try (ContainerKafkaCluster cluster = ContainerKafkaCluster.start()) {
            try (KafkaProducer<String, String> producer = EmbeddedKafkaBrokerIT.producer(cluster)) {
                producer.send(new ProducerRecord<>("container", "hello")).get(60, TimeUnit.SECONDS);
            }
            assertThat(EmbeddedKafkaBrokerIT.values(cluster.consume("container", 1, Duration.ofSeconds(30))))
                    .containsExactly("hello");
        }
    }
}
