package io.github.nodrop.logback;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.nodrop.core.EncodedRecord;
import io.github.nodrop.core.SpoolDump;
import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour that needs whole applications: several JVMs, JVM exit, Kafka's own logging at TRACE. */
@ExtendWith(KafkaExtension.class)
class ChildJvmIT {

    @TempDir
    Path work;

    final String topic = "logs-" + UUID.randomUUID();
    Path spool;

    @BeforeEach
    void setUp(EmbeddedKafkaBroker broker) throws Exception {
        if (!broker.isRunning()) {
            broker.restart();
        }
        spool = work.resolve("spool");
        Files.createDirectories(spool);
    }

    Path config(EmbeddedKafkaBroker broker, String name, String rootLevel, String extra) throws Exception {
        String xml = "<configuration>" + extra
                + "<appender name='KAFKA' class='io.github.nodrop.logback.KafkaAppender'>"
                + "<bootstrapServers>" + broker.bootstrapServers() + "</bootstrapServers>"
                + "<topic>" + topic + "</topic>"
                + "<encoder><pattern>%msg</pattern></encoder>"
                + "<fallbackDir>" + spool + "</fallbackDir>"
                + "<retryInterval>200 ms</retryInterval>"
                + "<shutdownTimeout>5 seconds</shutdownTimeout>"
                + "</appender>"
                + "<root level='" + rootLevel + "'><appender-ref ref='KAFKA'/></root>"
                + "</configuration>";
        Path file = work.resolve(name + ".xml");
        Files.writeString(file, xml);
        return file;
    }

    Process start(Path config, int count, String prefix, String mode) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder builder = new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + config,
                "-Dspool.dir=" + spool,
                ChildApp.class.getName(),
                String.valueOf(count),
                prefix,
                mode);
        builder.redirectErrorStream(true);
        builder.redirectOutput(work.resolve(prefix + "-" + mode + ".out").toFile());
        return builder.start();
    }

    static void awaitExit(Process process) throws Exception {
        assertThat(process.waitFor(120, TimeUnit.SECONDS))
                .as("child JVM finished")
                .isTrue();
        assertThat(process.exitValue()).isZero();
    }

    static List<String> values(List<EncodedRecord> records) {
        List<String> values = new ArrayList<>();
        for (EncodedRecord record : records) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    @Test
    void twoJvmsShareOneFallbackDirWithoutCorruptionOrDoubleReplay(EmbeddedKafkaBroker broker) throws Exception {
        broker.stop();
        Path config = config(broker, "shared", "INFO", "");
        Process a = start(config, 3000, "a", "stop");
        Process b = start(config, 3000, "b", "stop");
        awaitExit(a);
        awaitExit(b);

        // both wrote into one directory at once: every record is readable, none torn
        List<EncodedRecord> spooled = new ArrayList<>();
        for (Path file : SpoolDump.files(spool)) {
            assertThat(SpoolDump.read(file, spooled)).as("tear in " + file).isNull();
        }
        assertThat(values(spooled)).hasSize(6000).doesNotHaveDuplicates();

        broker.restart();
        Process replayA = start(config, 0, "a", "drain");
        Process replayB = start(config, 0, "b", "drain");
        awaitExit(replayA);
        awaitExit(replayB);

        assertThat(SpoolDump.files(spool)).isEmpty();
        List<String> delivered = Logback.values(broker.consume(topic, 6000, Duration.ofSeconds(60)));
        assertThat(delivered)
                .as("each spooled event replayed by exactly one JVM")
                .hasSize(6000);
        assertThat(new HashSet<>(delivered)).isEqualTo(new HashSet<>(values(spooled)));
    }

    @Test
    void logbacksShutdownHookDeliversWhatIsBufferedWhenTheJvmExits(EmbeddedKafkaBroker broker) throws Exception {
        Path config = config(broker, "hook", "INFO", "<shutdownHook/>");
        awaitExit(start(config, 5000, "hook", "exit"));
        Set<String> delivered = new HashSet<>(Logback.values(broker.consume(topic, 5000, Duration.ofSeconds(60))));
        Set<String> spooled = new HashSet<>(values(SpoolDump.records(spool)));
        for (int i = 0; i < 5000; i++) {
            String event = "hook-" + i;
            assertThat(delivered.contains(event) || spooled.contains(event))
                    .as(event + " delivered or spooled")
                    .isTrue();
        }
        assertThat(spooled).as("nothing needed the spool with the broker up").isEmpty();
    }

    @Test
    void rootAtTraceWithKafkasOwnLogsFlowingNeitherRecursesNorDeadlocks(EmbeddedKafkaBroker broker) throws Exception {
        Path config = config(broker, "trace", "TRACE", "");
        awaitExit(start(config, 500, "trace", "stop"));
        List<String> delivered = Logback.values(broker.consume(topic, 500, Duration.ofSeconds(60)));
        assertThat(delivered).hasSize(500).allMatch(v -> v.startsWith("trace-"));
        assertThat(SpoolDump.records(spool)).isEmpty();
    }

    @Test
    void configuredFromSpringBootsLogbackSpringXml(EmbeddedKafkaBroker broker) throws Exception {
        Path config = work.resolve("logback-spring.xml");
        Files.writeString(
                config,
                "<configuration>"
                        + "<springProperty name='KAFKA' source='kafka.bootstrap'/>"
                        + "<springProfile name='prod'>"
                        + "<appender name='KAFKA' class='io.github.nodrop.logback.KafkaAppender'>"
                        + "<bootstrapServers>${KAFKA}</bootstrapServers><topic>" + topic + "</topic>"
                        + "<encoder><pattern>%msg</pattern></encoder><fallbackDir>" + spool + "</fallbackDir>"
                        + "</appender>"
                        + "<root level='INFO'><appender-ref ref='KAFKA'/></root>"
                        + "</springProfile></configuration>");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dconfig.file=" + config,
                        "-Dkafka.bootstrap=" + broker.bootstrapServers(),
                        SpringBootChildApp.class.getName(),
                        "300")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("spring.out").toFile())
                .start();
        awaitExit(child);
        List<String> delivered = Logback.values(broker.consume(topic, 300, Duration.ofSeconds(60)));
        assertThat(delivered).hasSize(300).contains("spring-0", "spring-299");
    }
}
