package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return Cli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpDocumentsEveryFlagWithItsDefault() {
        assertThat(run("--help")).isZero();
        String help = out.toString(StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        assertThat(help)
                .contains("--bootstrap-servers", "--input", "--output", "--group-id", "--mode", "--workers", "--dlq")
                .contains("--guarantee", "--config", "--consumer-property", "--producer-property")
                .contains("--stats-interval", "--commit-interval", "--shutdown-timeout", "--instance-id")
                .contains("--key-by-hash", "--version")
                .contains("Default: nodrop-transformer", "Default: pipeline", "Default: at-least-once", "Default: 5s");
    }

    @Test
    void missingSettingsAreNamedAndExitWithTwo() {
        assertThat(run("--input", "logs")).isEqualTo(2);
        assertThat(err()).contains("--bootstrap-servers is required", "--output is required");
    }

    @Test
    void badValuesAreNamedAndExitWithTwo() {
        assertThat(run(
                        "--bootstrap-servers",
                        "127.0.0.1:9",
                        "--input",
                        "a",
                        "--output",
                        "b",
                        "--mode",
                        "turbo",
                        "--producer-property",
                        "linger",
                        "--consumer-property",
                        "fetch.min.bites=1"))
                .isEqualTo(2);
        assertThat(err())
                .contains("mode 'turbo' is not one of serial, pipeline, worker")
                .contains("--producer-property 'linger' is not of the form name=value")
                .contains("--consumer-property fetch.min.bites is not a Kafka consumer setting");
    }

    @Test
    void aMetricsPortThatIsNoPortIsNamed() {
        assertThat(run(
                        "--bootstrap-servers",
                        "127.0.0.1:9",
                        "--input",
                        "a",
                        "--output",
                        "b",
                        "--metrics-port",
                        "70000"))
                .isEqualTo(2);
        assertThat(err()).contains("--metrics-port '70000' must be a port (0 for any free one)");
    }

    @Test
    void anUnknownFlagExitsWithTwo() {
        assertThat(run("--frobnicate")).isEqualTo(2);
    }

    @Test
    void anUnreadableConfigFileIsNamed() {
        assertThat(run("--config", dir.resolve("missing.properties").toString()))
                .isEqualTo(2);
        assertThat(err()).contains("--config").contains("missing.properties");
    }

    @Test
    void aPropertiesFileGivesTheSameSettingsAndFlagsWin() throws Exception {
        Path file = dir.resolve("transformer.properties");
        Files.writeString(
                file,
                "bootstrap.servers=127.0.0.1:9\ninput=logs\noutput=enriched\nmode=worker\nworkers=3\n"
                        + "stats.interval=10s\nproducer.compression.type=lz4\nconsumer.sasl.jaas.config=secret-stuff\n");
        Cli cli = new Cli(System.err);
        picocli.CommandLine command = new picocli.CommandLine(cli);
        command.parseArgs("--config", file.toString(), "--output", "from-flag");
        TransformerConfig config = cli.settings();
        assertThat(config.output).isEqualTo("from-flag");
        assertThat(config.input).isEqualTo("logs");
        assertThat(config.mode).isEqualTo(Mode.WORKER);
        assertThat(config.workers).isEqualTo(3);
        assertThat(config.statsInterval).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.dlq).isEqualTo("logs.dlq");
        assertThat(config.producerProperties).containsEntry("compression.type", "lz4");
        assertThat(config.toString()).doesNotContain("secret-stuff").contains("[hidden]");
    }

    @Test
    void aMistypedOrBadSettingInTheFileIsRefusedNamingTheKeyAndTheFile() throws Exception {
        Path file = dir.resolve("transformer.properties");
        Files.writeString(
                file,
                "bootstrap.servers=127.0.0.1:9\ninput=logs\noutput=enriched\nshutdown.timout=5s\n"
                        + "key.by.hash=yes\nworkers=three\ncommit.interval=soon\n");
        Cli cli = new Cli(System.err);
        new picocli.CommandLine(cli).parseArgs("--config", file.toString());
        assertThatThrownBy(cli::settings)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting 'shutdown.timout' in " + file)
                .hasMessageContaining("shutdown.timeout")
                .hasMessageContaining("key.by.hash 'yes' in " + file + " is not true or false")
                .hasMessageContaining("workers 'three' in " + file + " is not a number")
                .hasMessageContaining("commit.interval in " + file);
        // and a flag still names itself
        Cli typed = new Cli(System.err);
        new picocli.CommandLine(typed)
                .parseArgs(
                        "--bootstrap-servers",
                        "127.0.0.1:9",
                        "--input",
                        "a",
                        "--output",
                        "b",
                        "--commit-interval",
                        "x");
        assertThatThrownBy(typed::settings).hasMessageContaining("--commit-interval");
    }

    @Test
    void keyByHashInTheFileIsReadAsWrittenAndTheFlagTurnsItOn() throws Exception {
        Path file = dir.resolve("transformer.properties");
        Files.writeString(file, "bootstrap.servers=127.0.0.1:9\ninput=logs\noutput=enriched\nkey.by.hash=TRUE\n");
        Cli cli = new Cli(System.err);
        new picocli.CommandLine(cli).parseArgs("--config", file.toString());
        assertThat(cli.settings().keyByHash).isTrue();
    }

    @Test
    void aFlagYouTypeWinsOverTheFileEvenWhenItEqualsTheDefault() throws Exception {
        Path file = dir.resolve("transformer.properties");
        Files.writeString(
                file,
                "bootstrap.servers=127.0.0.1:9\ninput=logs\noutput=enriched\nmode=worker\nguarantee=exactly-once\n");
        Cli cli = new Cli(System.err);
        new picocli.CommandLine(cli)
                .parseArgs("--config", file.toString(), "--mode", "pipeline", "--guarantee", "at-least-once");
        TransformerConfig config = cli.settings();
        assertThat(config.mode).isEqualTo(Mode.PIPELINE);
        assertThat(config.guarantee).isEqualTo(Guarantee.AT_LEAST_ONCE);
    }

    @Test
    void durationsReadAsInTheAppendersSettings() {
        assertThat(io.github.nodrop.core.ConfigValues.parseDuration("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(io.github.nodrop.core.ConfigValues.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(io.github.nodrop.core.ConfigValues.parseDuration("10 seconds"))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(io.github.nodrop.core.ConfigValues.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(io.github.nodrop.core.ConfigValues.parseDuration("250"))
                .as("a bare number is milliseconds")
                .isEqualTo(Duration.ofMillis(250));
        assertThat(io.github.nodrop.core.ConfigValues.parseDuration("0")).isEqualTo(Duration.ZERO);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> io.github.nodrop.core.ConfigValues.parseDuration("soon"))
                .hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void secretsKafkaDefinesAsPasswordsAreNeverPrinted() throws Exception {
        Cli cli = new Cli(System.err);
        new picocli.CommandLine(cli)
                .parseArgs(
                        "--bootstrap-servers",
                        "127.0.0.1:9",
                        "--input",
                        "logs",
                        "--output",
                        "enriched",
                        "--producer-property",
                        "ssl.keystore.key=-----BEGIN PRIVATE KEY-----MIIEvQ",
                        "--consumer-property",
                        "ssl.truststore.certificates=-----BEGIN CERTIFICATE-----MIID",
                        "--consumer-property",
                        "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\"alice\" password=\"alice-secret\";");
        String printed = cli.settings().toString();
        assertThat(printed)
                .doesNotContain("MIIEvQ")
                .doesNotContain("MIID")
                .doesNotContain("alice-secret")
                .contains("ssl.keystore.key=[hidden]", "ssl.truststore.certificates=[hidden]");
    }
}
