package io.github.nodrop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SecuredBrokerIT {

    static BrokerSecurity security(BrokerSecurity.Kind kind) {
        switch (kind) {
            case SASL_PLAIN:
                return BrokerSecurity.saslPlain("alice", "alice-secret");
            case SASL_SCRAM:
                return BrokerSecurity.saslScram("alice", "alice-secret");
            default:
                return BrokerSecurity.ssl();
        }
    }

    static KafkaProducer<String, String> producer(EmbeddedKafkaBroker broker, java.util.Map<String, String> security) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.putAll(security);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    @ParameterizedTest
    @EnumSource(
            value = BrokerSecurity.Kind.class,
            names = {"SASL_PLAIN", "SASL_SCRAM", "SSL"})
    void clientsWithCredentialsGetInAndOthersAreRefused(BrokerSecurity.Kind kind) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(security(kind))) {
            try (KafkaProducer<String, String> producer =
                    producer(broker, broker.security().clientProperties())) {
                producer.send(new ProducerRecord<>("secured", "hello")).get(30, TimeUnit.SECONDS);
            }
            assertThat(EmbeddedKafkaBrokerIT.values(broker.consume("secured", 1, Duration.ofSeconds(30))))
                    .containsExactly("hello");

            java.util.Map<String, String> wrong = broker.security().clientProperties("wrong-password");
            if (kind == BrokerSecurity.Kind.SSL) {
                wrong = broker.security().clientProperties(broker.security().password());
                wrong.put(
                        "ssl.truststore.location",
                        broker.security().untrustedTrustStore().toString());
            }
            try (KafkaProducer<String, String> intruder = producer(broker, wrong)) {
                assertThatThrownBy(() -> intruder.send(new ProducerRecord<>("secured", "no"))
                                .get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(AuthenticationException.class);
            }
        }
    }
}
