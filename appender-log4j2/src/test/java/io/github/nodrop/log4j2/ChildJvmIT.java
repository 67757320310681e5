package io.github.nodrop.log4j2;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.nodrop.core.SpoolDump;
import io.github.nodrop.testkit.KafkaCluster;
import io.github.nodrop.testkit.KafkaExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A whole application with Kafka's own client logs routed into Log4j2 at TRACE. */
@ExtendWith(KafkaExtension.class)
class ChildJvmIT {

    @TempDir
    Path work;

    @Test
    void rootAtTraceWithKafkasOwnLogsFlowingNeitherRecursesNorDeadlocks(KafkaCluster kafka) throws Exception {
        String topic = "logs-" + UUID.randomUUID();
        Path spool = work.resolve("spool");
        Path config = work.resolve("log4j2.xml");
        Files.writeString(
                config,
                "<Configuration status='WARN'><Appenders>"
                        + "<NodropKafka name='KAFKA' bootstrapServers='" + kafka.bootstrapServers() + "' topic='"
                        + topic + "' fallbackDir='" + spool + "' shutdownTimeout='5 seconds'>"
                        + "<PatternLayout pattern='%m'/></NodropKafka></Appenders>"
                        + "<Loggers><Root level='TRACE'><AppenderRef ref='KAFKA'/></Root></Loggers>"
                        + "</Configuration>");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Dlog4j2.configurationFile=" + config,
                        ChildApp.class.getName(),
                        "500",
                        "trace")
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("child.out").toFile())
                .start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS))
                .as("child JVM finished")
                .isTrue();
        assertThat(child.exitValue()).isZero();

        List<String> delivered = Log4j.values(kafka.consume(topic, 500, Duration.ofSeconds(60)));
        assertThat(delivered).hasSize(500).allMatch(v -> v.startsWith("trace-"));
        assertThat(SpoolDump.records(spool)).isEmpty();
    }
}
