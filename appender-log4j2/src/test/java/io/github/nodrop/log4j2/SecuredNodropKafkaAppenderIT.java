package io.github.nodrop.log4j2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.testkit.BrokerSecurity;
import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Log4j2 appender against brokers that require SASL (PLAIN, SCRAM-SHA-512) or SSL. */
class SecuredNodropKafkaAppenderIT {

    static final String SECRET = "s3cr3t-for-alice";

    @TempDir
    Path dir;

    static BrokerSecurity security(BrokerSecurity.Kind kind) {
        switch (kind) {
            case SASL_PLAIN:
                return BrokerSecurity.saslPlain("alice", SECRET);
            case SASL_SCRAM:
                return BrokerSecurity.saslScram("alice", SECRET);
            default:
                return BrokerSecurity.ssl();
        }
    }

    LoggerContext start(EmbeddedKafkaBroker broker, String topic, Map<String, String> security) {
        String properties = security.entrySet().stream()
                .map(e -> "<Property name='" + e.getKey() + "'>" + e.getValue().replace("\"", "&quot;") + "</Property>")
                .collect(Collectors.joining());
        return Log4j.configure(
                Log4j.kafka("", properties),
                Map.of("bootstrap", broker.bootstrapServers(), "topic", topic, "dir", dir.toString()));
    }

    @ParameterizedTest
    @EnumSource(
            value = BrokerSecurity.Kind.class,
            names = {"SASL_PLAIN", "SASL_SCRAM", "SSL"})
    void deliversWithCredentialsAndSpoolsWithWrongOnesUntilFixed(BrokerSecurity.Kind kind) {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(security(kind))) {
            BrokerSecurity security = broker.security();
            String topic = "secured-" + UUID.randomUUID();

            LoggerContext good = start(broker, topic, security.clientProperties());
            Logger logger = good.getLogger("app");
            for (int i = 0; i < 100; i++) {
                logger.info("ok-{}", i);
            }
            good.stop();
            assertThat(Log4j.values(broker.consume(topic, 100, Duration.ofSeconds(60))))
                    .hasSize(100);

            Map<String, String> wrong = new HashMap<>(security.clientProperties("wrong-" + SECRET));
            if (kind == BrokerSecurity.Kind.SSL) {
                wrong = new HashMap<>(security.clientProperties());
                wrong.put(
                        "ssl.truststore.location",
                        security.untrustedTrustStore().toString());
            }
            try (Log4j.StatusCapture status = new Log4j.StatusCapture()) {
                LoggerContext bad = start(broker, topic, wrong);
                NodropKafkaAppender appender = Log4j.appender(bad, "KAFKA");
                Logger badLogger = bad.getLogger("app");
                for (int i = 0; i < 50; i++) {
                    badLogger.info("refused-{}", i);
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> appender.getMetrics().getSpooled() == 50);
                bad.stop();
                List<String> messages = status.messages;
                assertThat(messages)
                        .filteredOn(m -> m.contains("credentials or certificate"))
                        .hasSize(1)
                        .allMatch(m -> m.contains("appender 'KAFKA': "));
                assertThat(messages).noneMatch(m -> m.contains(SECRET) || m.contains(security.password()));
            }

            LoggerContext fixed = start(broker, topic, security.clientProperties());
            NodropKafkaAppender replaying = Log4j.appender(fixed, "KAFKA");
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> replaying.getMetrics().getReplayed() == 50);
            fixed.stop();
            List<String> values = Log4j.values(broker.consume(topic, 150, Duration.ofSeconds(60)));
            for (int i = 0; i < 50; i++) {
                assertThat(values).contains("refused-" + i);
            }
        }
    }
}
