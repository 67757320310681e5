package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.enrich.EnrichCorpus;
import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ExtendWith(KafkaExtension.class)
class TransformerIT {

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String input = "logs-" + run;
    final String output = input + "-enriched";
    final String group = "group-" + run;
    final List<Transformer> started = new ArrayList<>();

    @BeforeEach
    void topics(EmbeddedKafkaBroker broker) {
        if (!broker.isRunning()) {
            broker.restart();
        }
        broker.createTopic(input, 4);
        broker.createTopic(output, 4);
        broker.createTopic(input + ".dlq", 1);
    }

    @AfterEach
    void stop(EmbeddedKafkaBroker broker) {
        started.forEach(Transformer::close);
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    Transformer start(EmbeddedKafkaBroker broker, Mode mode, Guarantee guarantee) {
        return start(broker, mode, guarantee, TransformerConfig.DEFAULT_QUEUE_BYTES);
    }

    Transformer start(EmbeddedKafkaBroker broker, Mode mode, Guarantee guarantee, long queueBytes) {
        Transformer transformer = TransformerConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .input(input)
                .output(output)
                .groupId(group)
                .mode(mode)
                .workers(3)
                .guarantee(guarantee)
                .queueBounds(TransformerConfig.DEFAULT_QUEUE_RECORDS, queueBytes)
                .statsInterval(Duration.ZERO)
                .create();
        transformer.start();
        started.add(transformer);
        return transformer;
    }

    static Map<Integer, Integer> countBySeq(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            counts.merge(Records.seq(new String(record.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
        }
        return counts;
    }

    long committed(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            return offsets.values().stream()
                    .mapToLong(OffsetAndMetadata::offset)
                    .sum();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void everyRecordIsEnrichedInOrderAndItsOffsetCommitted(Mode mode, EmbeddedKafkaBroker broker) throws Exception {
        int n = 4000;
        Records.produce(broker, input, Records.events(0, n), 0);
        Transformer transformer = start(broker, mode, Guarantee.AT_LEAST_ONCE);
        await().atMost(Duration.ofSeconds(60)).until(() -> transformer.metrics().getProduced() >= n);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(broker) == n);

        List<ConsumerRecord<byte[], byte[]>> records = broker.consume(output, n, Duration.ofSeconds(60));
        assertThat(records).hasSize(n);
        Map<String, Integer> lastSeqByKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            assertThat(Records.hashMatches(value)).as(value).isTrue();
            String key = new String(record.key(), StandardCharsets.UTF_8);
            int seq = Records.seq(value);
            Integer previous = lastSeqByKey.put(key + "@" + record.partition(), seq);
            assertThat(previous == null || previous < seq).as("order of " + key).isTrue();
        }
        assertThat(countBySeq(records)).hasSize(n);
    }

    /** A record larger than the whole queue budget passes alone, in every mode, and the rest follow it. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRecordLargerThanTheQueueBudgetPassesAndTheRestFollow(Mode mode, EmbeddedKafkaBroker broker) throws Exception {
        List<byte[]> values = new ArrayList<>(Records.events(0, 100));
        String big = Records.event(100);
        big = big.substring(0, big.length() - 1) + ",\"pad\":\"" + "x".repeat(200_000) + "\"}";
        values.add(big.getBytes(StandardCharsets.UTF_8));
        values.addAll(Records.events(101, 100));
        Records.produce(broker, input, values, 0);
        Transformer transformer = start(broker, mode, Guarantee.AT_LEAST_ONCE, 64 * 1024); // a third of the record

        await().atMost(Duration.ofSeconds(60)).until(() -> transformer.metrics().getProduced() >= 201);
        Map<Integer, Integer> counts = countBySeq(broker.consume(output, 201, Duration.ofSeconds(60)));
        assertThat(counts).hasSize(201);
        assertThat(counts).containsEntry(100, 1);
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicWithTheirOriginAndTheRestFlowOn(EmbeddedKafkaBroker broker)
            throws Exception {
        List<byte[]> values = new ArrayList<>(Records.events(0, 100));
        values.add("not json".getBytes(StandardCharsets.UTF_8));
        values.add("[1,2,3]".getBytes(StandardCharsets.UTF_8));
        values.add(new byte[0]);
        values.add(null);
        values.add(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'});
        values.addAll(Records.events(100, 100));
        Records.produce(broker, input, values, 0);
        Transformer transformer = start(broker, Mode.PIPELINE, Guarantee.AT_LEAST_ONCE);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> transformer.metrics().getProduced() == 200
                        && transformer.metrics().getDeadLettered() == 5);

        List<ConsumerRecord<byte[], byte[]>> dead = broker.consume(input + ".dlq", 5, Duration.ofSeconds(60));
        assertThat(dead).hasSize(5);
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            Map<String, String> headers = new HashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
            assertThat(headers).containsKeys("nodrop.error", "nodrop.source.partition", "nodrop.source.offset");
            assertThat(headers).containsEntry("nodrop.source.topic", input);
        }
        assertThat(dead).anyMatch(r -> r.value() == null);
        assertThat(dead)
                .anyMatch(r -> r.value() != null && new String(r.value(), StandardCharsets.UTF_8).equals("not json"));
        assertThat(countBySeq(broker.consume(output, 200, Duration.ofSeconds(60))))
                .hasSize(200);
    }

    /** The corpus the Connect transform and the Kafka Streams processor are held to: the same bytes out. */
    @Test
    void everyCorpusCaseGivesTheGoldenBytesOrGoesToTheDeadLetterTopicWithItsReason(EmbeddedKafkaBroker broker)
            throws Exception {
        List<EnrichCorpus.Case> cases = EnrichCorpus.cases();
        Properties props = broker.clientProperties();
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (EnrichCorpus.Case c : cases) {
                producer.send(new ProducerRecord<>(input, c.name.getBytes(StandardCharsets.UTF_8), c.input));
            }
            producer.flush();
        }
        long refused = cases.stream().filter(EnrichCorpus.Case::refused).count();
        Transformer transformer = start(broker, Mode.PIPELINE, Guarantee.AT_LEAST_ONCE);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> transformer.metrics().getProduced() == cases.size() - refused
                        && transformer.metrics().getDeadLettered() == refused);

        Map<String, byte[]> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
                broker.consume(output, (int) (cases.size() - refused), Duration.ofSeconds(60))) {
            assertThat(out.put(new String(r.key(), StandardCharsets.UTF_8), r.value()))
                    .isNull();
        }
        Map<String, String> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : broker.consume(input + ".dlq", (int) refused, Duration.ofSeconds(60))) {
            reasons.put(
                    new String(r.key(), StandardCharsets.UTF_8),
                    new String(r.headers().lastHeader("nodrop.error").value(), StandardCharsets.UTF_8));
        }
        for (EnrichCorpus.Case c : cases) {
            if (c.refused()) {
                assertThat(reasons.get(c.name)).as(c.name).isEqualTo(c.error);
            } else {
                assertThat(out.get(c.name)).as(c.name).isEqualTo(c.output);
            }
        }
        assertThat(out).hasSize((int) (cases.size() - refused));
        assertThat(reasons).hasSize((int) refused);
    }

    @Test
    void exactlyOnceDeliversEachRecordOnceToReadCommittedConsumers(EmbeddedKafkaBroker broker) throws Exception {
        int n = 3000;
        Records.produce(broker, input, Records.events(0, n), 0);
        Transformer transformer = start(broker, Mode.SERIAL, Guarantee.EXACTLY_ONCE);
        await().atMost(Duration.ofSeconds(60)).until(() -> transformer.metrics().getProduced() >= n);
        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(broker, n);
        assertThat(records).hasSize(n);
        assertThat(countBySeq(records))
                .hasSize(n)
                .allSatisfy((seq, count) -> assertThat(count).isEqualTo(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(broker) == n);
    }

    List<ConsumerRecord<byte[], byte[]>> readCommitted(EmbeddedKafkaBroker broker, int expected) {
        return broker.consume(output, expected, Duration.ofSeconds(60), Map.of("isolation.level", "read_committed"));
    }

    @Test
    void aSecondInstanceJoiningMidRunLosesNothing(EmbeddedKafkaBroker broker) throws Exception {
        int n = 20_000;
        Records.produce(broker, input, Records.events(0, n / 2), 0);
        Transformer first = start(broker, Mode.PIPELINE, Guarantee.AT_LEAST_ONCE);
        await().atMost(Duration.ofSeconds(60)).until(() -> first.metrics().getProduced() > 1000);
        Transformer second = start(broker, Mode.WORKER, Guarantee.AT_LEAST_ONCE);
        Records.produce(broker, input, Records.events(n / 2, n / 2), n / 2);
        await().atMost(Duration.ofSeconds(90))
                .until(() -> countBySeq(broker.consumeAll(output, Duration.ofSeconds(30), Map.of()))
                                .size()
                        == n);
        assertThat(first.failure()).isNull();
        assertThat(second.failure()).isNull();
    }

    @Test
    void anOutputOutageIsWaitedOutWithNothingMissingOrCommittedEarly(EmbeddedKafkaBroker broker) throws Exception {
        int n = 10_000;
        Records.produce(broker, input, Records.events(0, n / 2), 0);
        Transformer transformer = start(broker, Mode.PIPELINE, Guarantee.AT_LEAST_ONCE);
        await().atMost(Duration.ofSeconds(60)).until(() -> transformer.metrics().getProduced() > 100);
        broker.stop();
        broker.restart();
        Records.produce(broker, input, Records.events(n / 2, n / 2), n / 2);
        await().atMost(Duration.ofSeconds(120))
                .until(() -> countBySeq(broker.consumeAll(output, Duration.ofSeconds(30), Map.of()))
                                .size()
                        == n);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed(broker) == n);
        assertThat(transformer.failure()).isNull();
    }

    /**
     * A broker down when the transformer starts: it waits for Kafka to answer and reads the output's limits
     * then, instead of running the whole time without them (no idempotence, one request in flight).
     */
    @Test
    void aBrokerDownAtStartIsWaitedForAndTheLimitsAreReadWhenItAnswers(EmbeddedKafkaBroker broker) throws Exception {
        int n = 500;
        Records.produce(broker, input, Records.events(0, n), 0);
        broker.stop();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        Transformer transformer = new Transformer(
                TransformerConfig.builder()
                        .bootstrapServers(broker.bootstrapServers())
                        .input(input)
                        .output(output)
                        .groupId(group)
                        .statsInterval(Duration.ZERO)
                        .build(),
                new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        started.add(transformer);
        transformer.start();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> printed.toString(StandardCharsets.UTF_8).contains("Kafka has not answered within 15 s"));
        broker.restart();
        await().atMost(Duration.ofSeconds(120))
                .until(() -> transformer.metrics().getProduced() == n);
        assertThat(countBySeq(broker.consume(output, n, Duration.ofSeconds(60))))
                .hasSize(n);
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("Kafka answered; read the limits of " + output)
                .doesNotContain("cannot read max.message.bytes");
    }
}
