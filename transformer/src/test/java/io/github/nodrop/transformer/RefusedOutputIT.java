package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An output topic that refuses some enriched records ({@code max.message.bytes}=20000; 20 of 5,000 input
 * records are too large once enriched): those records must be in the dead-letter topic with the reason,
 * every other record in the output exactly once, and the transformer must go on and stop cleanly. Run with
 * the output's limits known at start, and with them unknown (no right to describe topics), where only the
 * broker's refusal tells.
 */
@ExtendWith(KafkaExtension.class)
class RefusedOutputIT {

    static final int RECORDS = 5_000;
    static final int LIMIT = 20_000;

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String input = "logs-" + run;
    final String output = input + "-enriched";
    final List<Transformer> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Transformer::close);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Guarantee.AT_LEAST_ONCE, true),
                Arguments.of(Guarantee.AT_LEAST_ONCE, false),
                Arguments.of(Guarantee.EXACTLY_ONCE, true));
    }

    /** Clients whose admin may not describe topics: the output's limits cannot be read. */
    static final Clients NO_DESCRIBE = new Clients() {
        @Override
        public Admin admin(Map<String, Object> settings) {
            throw new org.apache.kafka.common.errors.TopicAuthorizationException("not allowed to describe");
        }
    };

    @org.junit.jupiter.api.Test
    void exactlyOnceWithoutTheOutputsLimitsRefusesToStartNamingWhatItNeeds(EmbeddedKafkaBroker broker)
            throws Exception {
        createTopicsAndInput(broker, input, output);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Transformer transformer = new Transformer(
                TransformerConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .input(input)
                        .output(output)
                        .groupId("g-" + run)
                        .guarantee(Guarantee.EXACTLY_ONCE)
                        .statsInterval(Duration.ZERO)
                        .build(),
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                NO_DESCRIBE);
        transformer.start();
        started.add(transformer);
        await().atMost(Duration.ofSeconds(60)).until(() -> transformer.failure() != null);
        assertThat(transformer.failure().getMessage())
                .contains("exactly-once needs the max.message.bytes of " + output)
                .contains("DescribeConfigs")
                .contains("--guarantee at-least-once");
        assertThat(transformer.metrics().getConsumed()).isZero();
    }

    static boolean large(int seq) {
        return seq % 250 == 7;
    }

    /**
     * The input (4 partitions) holding {@link #RECORDS} events, 20 of them too large for the output once
     * enriched; the output (4 partitions) with {@code max.message.bytes} = {@link #LIMIT}; the dead-letter topic.
     */
    static void createTopicsAndInput(EmbeddedKafkaBroker broker, String input, String output) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            admin.createTopics(List.of(
                            new NewTopic(input, 4, (short) 1),
                            new NewTopic(output, 4, (short) 1)
                                    .configs(Map.of("max.message.bytes", String.valueOf(LIMIT))),
                            new NewTopic(input + ".dlq", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String event = Records.event(i);
            if (large(i)) { // under the limit as it comes in, over it with the hash and the topic's overhead
                event = event.substring(0, event.length() - 1) + ",\"pad\":\"" + "x".repeat(LIMIT - 180) + "\"}";
            }
            values.add(event.getBytes(StandardCharsets.UTF_8));
        }
        Records.produce(broker, input, values, 0);
    }

    @ParameterizedTest(name = "{0}, limits known at start: {1}")
    @MethodSource("cases")
    void refusedRecordsGoToTheDeadLetterTopicAndTheRestFlows(
            Guarantee guarantee, boolean limitsKnown, EmbeddedKafkaBroker broker) throws Exception {
        createTopicsAndInput(broker, input, output);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Clients clients = limitsKnown ? Clients.KAFKA : NO_DESCRIBE;
        Transformer transformer = new Transformer(
                TransformerConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .input(input)
                        .output(output)
                        .groupId("g-" + run)
                        .guarantee(guarantee)
                        .statsInterval(Duration.ZERO)
                        .build(),
                new PrintStream(printed, true, StandardCharsets.UTF_8),
                clients);
        transformer.start();
        started.add(transformer);
        try {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> transformer.metrics().getProduced()
                                    + transformer.metrics().getDeadLettered()
                            == RECORDS);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "produced " + transformer.metrics().getProduced() + ", dead-lettered "
                            + transformer.metrics().getDeadLettered() + ", consumed "
                            + transformer.metrics().getConsumed() + "; transformer said:\n"
                            + printed.toString(StandardCharsets.UTF_8),
                    e);
        }

        Map<String, Object> settings =
                guarantee == Guarantee.EXACTLY_ONCE ? Map.of("isolation.level", "read_committed") : Map.of();
        Map<Integer, Integer> outputs = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.consumeAll(output, Duration.ofSeconds(30), settings)) {
            outputs.merge(Records.seq(new String(record.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
        }
        Map<Integer, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                broker.consumeAll(input + ".dlq", Duration.ofSeconds(30), settings)) {
            Header error = record.headers().lastHeader("nodrop.error");
            reasons.put(
                    Records.seq(new String(record.value(), StandardCharsets.UTF_8)),
                    error == null ? "" : new String(error.value(), StandardCharsets.UTF_8));
        }
        for (int i = 0; i < RECORDS; i++) {
            if (large(i)) {
                assertThat(outputs).doesNotContainKey(i);
                assertThat(reasons.get(i))
                        .as("dead letter of " + i)
                        .isNotNull()
                        .containsAnyOf("larger than", "refused");
            } else {
                assertThat(outputs.get(i)).as("output of " + i).isEqualTo(1);
            }
        }
        assertThat(reasons).hasSize(20);

        transformer.close();
        assertThat(transformer.failure()).isNull();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("nodrop-transformer: stopped:");
    }
}
