package io.github.nodrop.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.enrich.JsonEnricher;
import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The processor in a real Kafka Streams application on a real broker, stopped and started again midway. */
@ExtendWith(KafkaExtension.class)
class NodropEnrichIT {

    static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    static final int EVENTS = 4_000;
    static final int MALFORMED = 40;

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String input = "logs-" + run;
    final String output = input + "-enriched";
    final String dlq = input + "-dlq";

    @TempDir
    Path state;

    @Test
    void exactlyOnceEveryEventIsEnrichedOnceAcrossARestartAndTheMalformedOnesAreDeadLettered(EmbeddedKafkaBroker broker)
            throws Exception {
        broker.createTopic(input, 4);
        broker.createTopic(output, 4);
        broker.createTopic(dlq, 1);
        Map<Integer, byte[]> sent = produce(broker, 0, EVENTS / 2);

        try (KafkaStreams first = start(broker)) {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> committedOutput(broker).size() >= EVENTS / 4);
            close(first);
        }
        sent.putAll(produce(broker, EVENTS / 2, EVENTS / 2));
        try (KafkaStreams second = start(broker)) {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> committedOutput(broker).size() >= EVENTS
                            && committed(broker, dlq).size() >= MALFORMED);
            close(second);
        }

        List<ConsumerRecord<byte[], byte[]>> out = committedOutput(broker);
        JsonEnricher md5 = new JsonEnricher();
        Map<Integer, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            String value = new String(r.value(), StandardCharsets.UTF_8);
            Matcher m = SEQ.matcher(value);
            assertThat(m.find()).as(value).isTrue();
            int seq = Integer.parseInt(m.group(1));
            seen.merge(seq, 1, Integer::sum);
            String original = new String(sent.get(seq), StandardCharsets.UTF_8);
            assertThat(value)
                    .isEqualTo(original.substring(0, original.length() - 1) + ",\"hash\":\"" + md5.md5Hex(sent.get(seq))
                            + "\"}");
        }
        assertThat(seen).hasSize(EVENTS);
        assertThat(seen.values()).allMatch(n -> n == 1);
        List<ConsumerRecord<byte[], byte[]>> refused = committed(broker, dlq);
        assertThat(refused).hasSize(MALFORMED);
        assertThat(refused)
                .allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .startsWith("not json "))
                .allSatisfy(r -> assertThat(new String(
                                r.headers()
                                        .lastHeader(NodropEnrich.ERROR_HEADER)
                                        .value(),
                                StandardCharsets.UTF_8))
                        .startsWith("not a JSON object"));
    }

    /** Leaves the group on close, so the next start does not wait out the session of this one. */
    static void close(KafkaStreams streams) {
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }

    KafkaStreams start(EmbeddedKafkaBroker broker) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "enrich-" + run);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = new KafkaStreams(NodropEnrich.topology(input, output, dlq), props);
        streams.start();
        return streams;
    }

    /** Numbered events, and every hundredth position a line that is not JSON. */
    Map<Integer, byte[]> produce(EmbeddedKafkaBroker broker, int from, int count) throws Exception {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Map<Integer, byte[]> sent = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int seq = from; seq < from + count; seq++) {
                byte[] value = ("{\"@timestamp\":\"2026-12-03T10:15:30.123Z\",\"log.level\":\"INFO\",\"seq\":" + seq
                                + ",\"message\":\"event " + seq + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                sent.put(seq, value);
                producer.send(new ProducerRecord<>(input, String.valueOf(seq).getBytes(StandardCharsets.UTF_8), value));
                if (seq % 100 == 0) {
                    producer.send(new ProducerRecord<>(input, ("not json " + seq).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
        return sent;
    }

    List<ConsumerRecord<byte[], byte[]>> committedOutput(EmbeddedKafkaBroker broker) {
        return committed(broker, output);
    }

    List<ConsumerRecord<byte[], byte[]>> committed(EmbeddedKafkaBroker broker, String topic) {
        return broker.consumeAll(
                topic, Duration.ofSeconds(30), Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
    }
}
