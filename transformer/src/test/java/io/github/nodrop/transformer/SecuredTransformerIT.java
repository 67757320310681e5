package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.testkit.BrokerSecurity;
import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The transformer against brokers that require SASL (PLAIN, SCRAM-SHA-512) or SSL. */
class SecuredTransformerIT {

    static final String SECRET = "s3cr3t-for-alice";

    @ParameterizedTest
    @EnumSource(
            value = BrokerSecurity.Kind.class,
            names = {"SASL_PLAIN", "SASL_SCRAM", "SSL"})
    void enrichesOverASecuredConnectionAndNeverPrintsTheSecret(BrokerSecurity.Kind kind) throws Exception {
        BrokerSecurity security = kind == BrokerSecurity.Kind.SASL_PLAIN
                ? BrokerSecurity.saslPlain("alice", SECRET)
                : kind == BrokerSecurity.Kind.SASL_SCRAM
                        ? BrokerSecurity.saslScram("alice", SECRET)
                        : BrokerSecurity.ssl();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(security)) {
            broker.createTopic("secured-in", 2);
            broker.createTopic("secured-out", 2);
            Records.produce(broker, "secured-in", Records.events(0, 500), 0);
            TransformerConfig.Builder builder = TransformerConfig.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .input("secured-in")
                    .output("secured-out")
                    .groupId("secured")
                    .statsInterval(Duration.ofMillis(200));
            for (Map.Entry<String, String> entry : security.clientProperties().entrySet()) {
                builder.consumerProperty(entry.getKey(), entry.getValue());
                builder.producerProperty(entry.getKey(), entry.getValue());
            }
            TransformerConfig config = builder.build();
            ByteArrayOutputStream status = new ByteArrayOutputStream();
            Transformer transformer = new Transformer(config, new PrintStream(status, true, StandardCharsets.UTF_8));
            transformer.start();
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> transformer.metrics().getProduced() == 500);
            } finally {
                transformer.close();
            }
            assertThat(broker.consume("secured-out", 500, Duration.ofSeconds(60)))
                    .hasSize(500);
            String printed = status.toString(StandardCharsets.UTF_8) + config;
            assertThat(printed).doesNotContain(SECRET).doesNotContain(security.password());
        }
    }
}
