package io.github.nodrop.logback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.SpoolDump;
import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Durable mode as a user runs it: an application logging thousands of numbered events a second is killed
 * with {@code kill -9}, restarted on the same fallback directory, and every event whose logging call had
 * returned must then be in Kafka. Checked from the topic itself.
 */
@ExtendWith(KafkaExtension.class)
class DurableKillIT {

    static final int THREADS = 2;
    static final int RATE = 5_000;

    @TempDir
    Path work;

    final String topic = "killed-" + UUID.randomUUID();
    final List<Process> children = new ArrayList<>();
    Path spool;

    @BeforeEach
    void setUp(EmbeddedKafkaBroker broker) throws Exception {
        if (!broker.isRunning()) {
            broker.restart();
        }
        broker.createTopic(topic, 2);
        spool = work.resolve("spool");
    }

    @AfterEach
    void killChildren(EmbeddedKafkaBroker broker) {
        children.forEach(Process::destroyForcibly);
        if (!broker.isRunning()) {
            broker.restart();
        }
    }

    Path config(EmbeddedKafkaBroker broker) throws Exception {
        String xml = "<configuration>"
                + "<appender name='KAFKA' class='io.github.nodrop.logback.KafkaAppender'>"
                + "<bootstrapServers>" + broker.bootstrapServers() + "</bootstrapServers>"
                + "<topic>" + topic + "</topic>"
                + "<encoder><pattern>%msg</pattern></encoder>"
                + "<fallbackDir>" + spool + "</fallbackDir>"
                + "<durable>"
                + System.getProperty("nodrop.test.durable", System.getenv().getOrDefault("NODROP_TEST_DURABLE", "true"))
                + "</durable>"
                + "<retryInterval>200 ms</retryInterval>"
                + "<shutdownTimeout>10 seconds</shutdownTimeout>"
                + "<producerConfig>request.timeout.ms=3000</producerConfig>"
                + "<producerConfig>delivery.timeout.ms=6000</producerConfig>"
                + "</appender>"
                + "<root level='INFO'><appender-ref ref='KAFKA'/></root>"
                + "</configuration>";
        Path file = work.resolve("logback-durable.xml");
        Files.writeString(file, xml);
        return file;
    }

    Process child(Path config, String output, String main, String... args) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + config,
                "-Dspool.dir=" + spool,
                main));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(output).toFile())
                .start();
        children.add(process);
        return process;
    }

    static long[] progress(Path file) throws Exception {
        long[] last = new long[THREADS];
        if (!Files.exists(file) || Files.size(file) < 8L * THREADS) {
            java.util.Arrays.fill(last, -1);
            return last;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        for (int t = 0; t < THREADS; t++) {
            last[t] = bytes.getLong(t * 8);
        }
        return last;
    }

    /** Kills the logging application mid-stream and restarts it; returns what the test found. */
    Outcome killAndRestart(EmbeddedKafkaBroker broker, boolean brokerDownAtKill) throws Exception {
        Path config = config(broker);
        Path progressFile = work.resolve("progress");
        if (brokerDownAtKill) {
            broker.stop();
        }
        Process app = child(
                config,
                "app.out",
                LoggingUntilKilled.class.getName(),
                String.valueOf(THREADS),
                String.valueOf(RATE),
                progressFile.toString());
        await("the application has logged 20,000 events")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    long[] last = progress(progressFile);
                    return last[0] + last[1] >= 20_000 || !app.isAlive();
                });
        assertThat(app.isAlive()).as("the application runs until killed").isTrue();
        app.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no stop()
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long[] returned = progress(progressFile);

        if (brokerDownAtKill) {
            broker.restart();
        }
        Process restarted = child(config, "restart.out", ChildApp.class.getName(), "0", "restart", "drain");
        assertThat(restarted.waitFor(120, TimeUnit.SECONDS))
                .as("restarted app drained")
                .isTrue();
        assertThat(restarted.exitValue()).isZero();
        String report = Files.readString(work.resolve("restart.out"));

        Map<String, Integer> seen = new HashMap<>();
        for (String value : Logback.values(broker.consumeAll(topic, Duration.ofSeconds(60), Map.of()))) {
            seen.merge(value, 1, Integer::sum);
        }
        for (EncodedRecord record : SpoolDump.records(spool)) {
            seen.merge(new String(record.value(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        Outcome outcome = new Outcome();
        for (int t = 0; t < THREADS; t++) {
            outcome.returned += returned[t] + 1;
            for (long n = 0; n <= returned[t]; n++) {
                if (!seen.containsKey("t" + t + "-" + n)) {
                    outcome.missing.add("t" + t + "-" + n);
                }
            }
        }
        for (int count : seen.values()) {
            outcome.duplicates += count - 1;
        }
        outcome.recovered = counter(report, "recovered");
        System.out.println(
                "kill -9 " + (brokerDownAtKill ? "with the broker down" : "with the broker up") + ": " + outcome);
        return outcome;
    }

    static long counter(String report, String name) {
        for (String line : report.split("\n")) {
            if (line.startsWith(name + "=")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in the restarted application's output:\n" + report);
    }

    static final class Outcome {
        long returned;
        long duplicates;
        long recovered;
        final List<String> missing = new ArrayList<>();

        @Override
        public String toString() {
            return "returned=" + returned + " missing=" + missing.size() + " duplicates=" + duplicates + " recovered="
                    + recovered;
        }
    }

    @ParameterizedTest(name = "broker down at the kill: {0}")
    @ValueSource(booleans = {false, true})
    void everyEventWhoseCallReturnedIsInKafkaAfterARestart(boolean brokerDownAtKill, EmbeddedKafkaBroker broker)
            throws Exception {
        Outcome outcome = killAndRestart(broker, brokerDownAtKill);
        assertThat(outcome.returned).isGreaterThanOrEqualTo(20_000);
        assertThat(outcome.missing).as(outcome.toString()).isEmpty();
        assertThat(outcome.duplicates)
                .as("duplicates only among the records recovered from the journal: %s", outcome)
                .isLessThanOrEqualTo(outcome.recovered);
    }
}
