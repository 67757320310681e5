package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The command line in its own JVM, killed without warning mid-run and started again. */
@ExtendWith(KafkaExtension.class)
class TransformerProcessIT {

    @TempDir
    Path work;

    /**
     * The command line in a JVM of its own against {@code bootstrapServers}, output to {@code <name>.out} under {@code
     * work}; {@code flags} are added to the connection, topic, group and status flags every test needs.
     */
    static Process startChild(
            Path work, String bootstrapServers, String input, String output, String group, String name, String... flags)
            throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new java.util.ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                Cli.class.getName(),
                "--bootstrap-servers",
                bootstrapServers,
                "--input",
                input,
                "--output",
                output,
                "--group-id",
                group,
                "--stats-interval",
                "1s",
                // a killed instance leaves the group after this, not after the default 45 s
                "--consumer-property",
                "session.timeout.ms=6000"));
        command.addAll(List.of(flags));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile())
                .start();
    }

    Process start(
            EmbeddedKafkaBroker broker, String input, String output, String group, Guarantee guarantee, String name)
            throws Exception {
        return startChild(
                work, broker.bootstrapServers(), input, output, group, name, "--guarantee", guarantee.toString());
    }

    static void awaitAll(
            EmbeddedKafkaBroker broker,
            String output,
            int n,
            Map<String, Object> settings,
            Map<Integer, Integer> counts) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            counts.clear();
            List<ConsumerRecord<byte[], byte[]>> records = broker.consumeAll(output, Duration.ofSeconds(30), settings);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                counts.merge(Records.seq(new String(record.value(), StandardCharsets.UTF_8)), 1, Integer::sum);
            }
            return counts.size() == n;
        });
    }

    /**
     * A SIGTERM while the broker cannot be reached (here, at start: reading the output's limits) drains at
     * once: the summary line and exit code 0, not a halt after the admin client's timeouts.
     */
    @Test
    void aSigtermWhileTheBrokerCannotBeReachedStopsCleanly() throws Exception {
        Path out = work.resolve("unreachable.out");
        Process transformer = startChild(
                work, "127.0.0.1:1", "logs", "logs-enriched", "g", "unreachable", "--shutdown-timeout", "2s");
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(out).contains("nodrop-transformer: starting:"));
            transformer.destroy(); // SIGTERM
            assertThat(transformer.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            transformer.destroyForcibly();
        }
        assertThat(Files.readString(out)).contains("nodrop-transformer: stopped: consumed 0, produced 0");
        assertThat(transformer.exitValue()).as("exit code after SIGTERM").isZero();
    }

    /**
     * As a user runs it: an output topic whose {@code max.message.bytes} refuses some enriched records. The
     * refused ones go to the dead-letter topic, the rest to the output, and SIGTERM ends the process with
     * exit code 0 and its summary line.
     */
    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void withOutputTheTopicRefusesSigtermStillExitsZero(Guarantee guarantee, EmbeddedKafkaBroker broker)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "logs-" + run;
        String output = input + "-enriched";
        int n = RefusedOutputIT.RECORDS;
        RefusedOutputIT.createTopicsAndInput(broker, input, output);

        Process transformer = start(broker, input, output, "g-" + run, guarantee, "refused");
        Map<String, Object> settings =
                guarantee == Guarantee.EXACTLY_ONCE ? Map.of("isolation.level", "read_committed") : Map.of();
        Map<Integer, Integer> outputs = new HashMap<>();
        Map<Integer, Integer> dead = new HashMap<>();
        try {
            awaitAll(broker, output, n - 20, settings, outputs);
            awaitAll(broker, input + ".dlq", 20, settings, dead);
            transformer.destroy(); // SIGTERM
            assertThat(transformer.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(transformer.exitValue()).as("exit code after SIGTERM").isZero();
        } finally {
            transformer.destroyForcibly();
        }
        for (int i = 0; i < n; i++) {
            if (RefusedOutputIT.large(i)) {
                assertThat(dead).as("dead letter of " + i).containsEntry(i, 1);
            } else {
                assertThat(outputs).as("output of " + i).containsEntry(i, 1);
            }
        }
        assertThat(Files.readString(work.resolve("refused.out"))).contains("nodrop-transformer: stopped:");
    }

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void killedMidRunAndStartedAgainNothingIsMissing(Guarantee guarantee, EmbeddedKafkaBroker broker) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "logs-" + run;
        String output = input + "-enriched";
        broker.createTopic(input, 4);
        broker.createTopic(output, 4);
        int n = 40_000;
        Records.produce(broker, input, Records.events(0, n), 0);

        Process first = start(broker, input, output, "g-" + run, guarantee, "first");
        Process second = null;
        Map<Integer, Integer> counts = new HashMap<>();
        try {
            await().atMost(Duration.ofSeconds(90))
                    .until(() ->
                            broker.consume(output, 2000, Duration.ofSeconds(2)).size() >= 2000);
            first.destroyForcibly(); // kill -9: no drain, no commit
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();

            second = start(broker, input, output, "g-" + run, guarantee, "second");
            Map<String, Object> settings =
                    guarantee == Guarantee.EXACTLY_ONCE ? Map.of("isolation.level", "read_committed") : Map.of();
            awaitAll(broker, output, n, settings, counts);
            second.destroy(); // SIGTERM: a clean shutdown
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as("exit code after SIGTERM").isZero();
        } finally {
            // never leave a transformer running after the test, whatever failed
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }

        int duplicates = counts.values().stream().mapToInt(c -> c - 1).sum();
        System.out.printf(
                "%s: %d records, %d distinct outputs, %d duplicates after kill -9%n",
                guarantee, n, counts.size(), duplicates);
        if (guarantee == Guarantee.EXACTLY_ONCE) {
            assertThat(duplicates).as("read_committed sees each record once").isZero();
        } else {
            // offsets are committed every 200 ms after acknowledgement: a crash reads again a fraction of a second
            assertThat(duplicates).as("records read again after the crash").isLessThan(n / 5);
        }
    }
}
