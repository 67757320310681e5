package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Exactly once as a user runs it: the transformer in its own JVM, killed with {@code kill -9} a third of
 * the way through 60,000 records (1% malformed), started again with the same group. Once the group has
 * committed the whole input, the committed output (read_committed) and the dead-letter topic must hold
 * every record exactly once.
 */
@ExtendWith(KafkaExtension.class)
class ExactlyOnceKillIT {

    static final int RECORDS = 60_000;
    static final int PARTITIONS = 4;

    @TempDir
    Path work;

    final List<Process> children = new ArrayList<>();

    Process start(EmbeddedKafkaBroker broker, String input, String output, String group, Mode mode, String name)
            throws Exception {
        Process process = TransformerProcessIT.startChild(
                work,
                broker.bootstrapServers(),
                input,
                output,
                group,
                name,
                "--mode",
                mode.toString(),
                "--guarantee",
                "exactly-once");
        children.add(process);
        return process;
    }

    static List<byte[]> input() {
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String value = i % 100 == 99 ? "not json " + i : Records.event(i);
            values.add(value.getBytes(StandardCharsets.UTF_8));
        }
        return values;
    }

    /** Whether the group's committed offsets have reached the end of every input partition. */
    static boolean committedToTheEnd(EmbeddedKafkaBroker broker, String group, String input) throws Exception {
        try (Admin admin = Admin.create(broker.clientProperties())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(input, p), OffsetSpec.latest());
            }
            for (var end :
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata offset = committed.get(end.getKey());
                if (offset == null || offset.offset() < end.getValue().offset()) {
                    return false;
                }
            }
            return true;
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void killedAThirdOfTheWayAndRestartedEveryRecordIsCommittedExactlyOnce(Mode mode, EmbeddedKafkaBroker broker)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "eos-" + run;
        String output = input + "-enriched";
        String group = "g-" + run;
        broker.createTopic(input, PARTITIONS);
        broker.createTopic(output, PARTITIONS);
        broker.createTopic(input + ".dlq", 1);
        Records.produce(broker, input, input(), 0);
        try {
            Process first = start(broker, input, output, group, mode, "first");
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> broker.consumeAll(output, Duration.ofSeconds(10), Map.of())
                                    .size()
                            >= RECORDS / 3);
            first.destroyForcibly(); // kill -9, mid-transaction
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            Process second = start(broker, input, output, group, mode, "second");
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> committedToTheEnd(broker, group, input));

            // the input is committed to its end, so the transactions holding its output are committed too
            Map<String, Object> committedOnly = Map.of("isolation.level", "read_committed");
            Map<Integer, Integer> outputs = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record :
                    broker.consumeAll(output, Duration.ofSeconds(30), committedOnly)) {
                outputs.merge(Records.seq(new String(record.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
            }
            Map<String, Integer> deadLetters = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record :
                    broker.consumeAll(input + ".dlq", Duration.ofSeconds(30), committedOnly)) {
                deadLetters.merge(new String(record.value(), StandardCharsets.UTF_8), 1, Integer::sum);
            }
            List<Integer> missing = new ArrayList<>();
            int duplicates = 0;
            for (int i = 0; i < RECORDS; i++) {
                int count = i % 100 == 99 ? deadLetters.getOrDefault("not json " + i, 0) : outputs.getOrDefault(i, 0);
                if (count == 0) {
                    missing.add(i);
                }
                duplicates += Math.max(0, count - 1);
            }
            String summary = mode + ": " + outputs.size() + " outputs, " + deadLetters.size() + " dead letters, "
                    + missing.size() + " missing (first " + missing.subList(0, Math.min(10, missing.size()))
                    + "), " + duplicates + " duplicates";
            System.out.println("exactly once after kill -9: " + summary);
            assertThat(missing).as(summary).isEmpty();
            assertThat(duplicates).as(summary).isZero();

            second.destroy(); // SIGTERM: a clean shutdown
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as("exit code after SIGTERM").isZero();
        } finally {
            children.forEach(Process::destroyForcibly);
        }
    }
}
