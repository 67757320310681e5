package io.github.nodrop.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AppenderConfigTest {

    static AppenderConfig.Builder valid() {
        return AppenderConfig.builder("KAFKA")
                .bootstrapServers("127.0.0.1:9092")
                .topic("app-logs");
    }

    static java.util.List<String> problems(AppenderConfig.Builder builder) {
        try {
            builder.build();
            return java.util.List.of();
        } catch (AppenderConfig.InvalidConfigException e) {
            return e.problems();
        }
    }

    @Test
    void defaultsAreSensible() {
        AppenderConfig config = valid().build();
        assertThat(config.bufferSize()).isEqualTo(8192);
        assertThat(config.maxFallbackFileSize()).isEqualTo(64L << 20);
        assertThat(config.maxFallbackTotalSize()).isEqualTo(1L << 30);
        assertThat(config.replayFallback()).isTrue();
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.fallbackDir().toString()).isEqualTo("logs/kafka-fallback");
        assertThat(config.producerConfig()).containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void textSettingsAreParsed() {
        AppenderConfig config = valid().maxFallbackFileSize("8MB")
                .maxFallbackTotalSize("2 GB")
                .shutdownTimeout("30 seconds")
                .bufferBytes("512kb")
                .build();
        assertThat(config.maxFallbackFileSize()).isEqualTo(8L << 20);
        assertThat(config.maxFallbackTotalSize()).isEqualTo(2L << 30);
        assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.bufferBytes()).isEqualTo(512L << 10);
    }

    @Test
    void everyProblemIsReportedAtOnceNamingTheAppenderAndTheSetting() {
        assertThat(problems(AppenderConfig.builder("KAFKA")
                        .maxFallbackFileSize("lots")
                        .shutdownTimeout("soon")))
                .anyMatch(p -> p.equals("appender 'KAFKA': topic is required"))
                .anyMatch(p -> p.startsWith("appender 'KAFKA': bootstrapServers is required"))
                .anyMatch(p -> p.contains("maxFallbackFileSize 'lots' is not a size"))
                .anyMatch(p -> p.contains("shutdownTimeout 'soon' is not a duration"));
    }

    @Test
    void anUnknownProducerPropertyIsAnErrorWithASuggestion() {
        assertThat(problems(valid().producerProperty("compresion.type=lz4")))
                .containsExactly("appender 'KAFKA': producerConfig compresion.type is not a Kafka producer setting"
                        + " (did you mean compression.type?)");
    }

    @Test
    void anInvalidProducerValueIsNamedButSecretsAreHidden() {
        assertThat(problems(valid().producerProperty("acks=sometimes")))
                .singleElement()
                .asString()
                .contains("producerConfig acks has an invalid value 'sometimes'");
        assertThat(valid().producerProperty("ssl.key.password", "hunter2")
                        .build()
                        .toString())
                .doesNotContain("hunter2")
                .contains("[hidden]");
    }

    @Test
    void serializersCannotBeOverridden() {
        assertThat(problems(valid().producerProperty("value.serializer=org.example.Foo")))
                .singleElement()
                .asString()
                .contains("value.serializer cannot be set");
    }

    @Test
    void bootstrapServersMayComeFromProducerConfigAsInOtherAppenders() {
        AppenderConfig config = AppenderConfig.builder("KAFKA")
                .topic("logs")
                .producerProperty("bootstrap.servers=10.1.1.1:9092")
                .build();
        assertThat(config.producerConfig()).containsEntry("bootstrap.servers", "10.1.1.1:9092");
        assertThat(problems(valid().producerProperty("bootstrap.servers=other:9092")))
                .singleElement()
                .asString()
                .contains("differs from producerConfig bootstrap.servers");
    }

    @Test
    void badTopicsAndBoundsAreRejected() {
        assertThat(problems(valid().topic("has space")
                        .bufferSize(0)
                        .partition(-1)
                        .maxFallbackFileSize("1GB")
                        .maxFallbackTotalSize("10MB")))
                .hasSize(4)
                .anyMatch(p -> p.contains("topic 'has space' is not a legal Kafka topic name"))
                .anyMatch(p -> p.contains("bufferSize '0' must be at least 2"))
                .anyMatch(p -> p.contains("partition '-1'"))
                .anyMatch(p -> p.contains("maxFallbackTotalSize"));
    }

    @Test
    void producerDefaultsCanBeOverridden() {
        assertThat(valid().producerProperty("max.block.ms=500").build().producerConfig())
                .containsEntry("max.block.ms", "500");
    }

    @Test
    void producerSettingsKafkaWouldRefuseAtCreationAreReportedAtStartWithTheirNames() {
        assertThat(problems(valid().producerProperty("delivery.timeout.ms", "5000")
                        .producerProperty("request.timeout.ms", "30000")))
                .anyMatch(
                        p -> p.contains("delivery.timeout.ms '5000' must be at least linger.ms + request.timeout.ms"));
        assertThat(problems(
                        valid().producerProperty("enable.idempotence", "true").producerProperty("acks", "1")))
                .anyMatch(p -> p.contains("producerConfig acks '1' must be all with enable.idempotence=true"));
        assertThat(problems(valid().producerProperty("enable.idempotence", "true")
                        .producerProperty("max.in.flight.requests.per.connection", "6")))
                .anyMatch(p -> p.contains("max.in.flight.requests.per.connection must be at most 5"));
        assertThat(problems(valid().producerProperty("transactional.id", "logs-1")))
                .anyMatch(p -> p.contains("transactional.id cannot be set"));
    }

    @Test
    void everyConfigThatBuildsIsOneKafkaAccepts() {
        java.util.List<AppenderConfig.Builder> accepted = java.util.List.of(
                valid(),
                valid().producerProperty("request.timeout.ms", "30000"),
                valid().producerProperty("linger.ms", "50").producerProperty("request.timeout.ms", "60000"),
                valid().producerProperty("acks", "1"),
                valid().producerProperty("enable.idempotence", "false").producerProperty("acks", "0"),
                valid().durable(true).journalSize("1GB"));
        for (AppenderConfig.Builder builder : accepted) {
            AppenderConfig config = builder.build();
            for (java.util.Map<String, Object> settings :
                    java.util.List.of(config.producerConfig(), config.replayProducerConfig())) {
                org.assertj.core.api.Assertions.assertThatCode(
                                () -> new org.apache.kafka.clients.producer.KafkaProducer<>(
                                                settings,
                                                new org.apache.kafka.common.serialization.ByteArraySerializer(),
                                                new org.apache.kafka.common.serialization.ByteArraySerializer())
                                        .close(Duration.ZERO))
                        .as("Kafka creates a producer from %s", settings)
                        .doesNotThrowAnyException();
            }
        }
    }

    @Test
    void theReplayProducerHasItsOwnClientIdAndABoundedBuffer() {
        AppenderConfig config = valid().producerProperty("buffer.memory", String.valueOf(64L << 20))
                .build();
        assertThat(config.replayProducerConfig())
                .containsEntry("client.id", "nodrop-KAFKA-replay")
                .containsEntry("buffer.memory", String.valueOf(16L << 20));
    }
}
