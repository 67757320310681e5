package io.github.nodrop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExternalKafkaClusterTest {

    @Test
    void anExternalClusterCannotBeStopped() {
        ExternalKafkaCluster cluster = new ExternalKafkaCluster(" kafka.example:9092 ");
        assertThat(cluster.bootstrapServers()).isEqualTo("kafka.example:9092");
        assertThat(cluster.canRestart()).isFalse();
        assertThatThrownBy(cluster::stop).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anEmptyAddressIsRejectedWithTheVariableName() {
        assertThatThrownBy(() -> new ExternalKafkaCluster(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    }
}
