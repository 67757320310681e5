package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecursionGuardTest {

    @Test
    void kafkasLoggersAndInternalThreadsAreKeptOut() {
        assertThat(RecursionGuard.isKafkaLogger("org.apache.kafka.clients.NetworkClient"))
                .isTrue();
        assertThat(RecursionGuard.isKafkaLogger("kafka.server.BrokerServer")).isTrue();
        assertThat(RecursionGuard.isKafkaLogger("org.apache.kafkaesque.Thing")).isFalse();
        assertThat(RecursionGuard.isKafkaLogger("com.example.Orders")).isFalse();
        assertThat(RecursionGuard.isInternalThread("kafka-producer-network-thread | nodrop-KAFKA"))
                .isTrue();
        assertThat(RecursionGuard.isInternalThread("nodrop-sender-KAFKA")).isTrue();
        assertThat(RecursionGuard.isInternalThread("main")).isFalse();
        assertThat(RecursionGuard.mustSkip("com.example.Orders")).isFalse();
    }
}
