package io.github.nodrop.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as a service owner uses it: unpacked with the system's {@code tar}, started
 * through {@code bin/nodrop-transformer} with a properties file against the testkit's broker on 127.0.0.1,
 * and stopped with SIGTERM.
 *
 * <p>The archive is the one {@code package} built ({@code nodrop.dist.archive}, set by the POM); it is
 * unpacked once for the class.
 */
@ExtendWith(KafkaExtension.class)
class DistributionIT {

    private static final String VERSION = System.getProperty("nodrop.dist.version");
    private static final Path ARCHIVE = Path.of(System.getProperty("nodrop.dist.archive"));
    private static final String TOP = "nodrop-transformer-" + VERSION;
    private static final int EVENTS = 200;
    private static final Duration DEADLINE = Duration.ofSeconds(40);
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @TempDir
    static Path work;

    static Path unpacked;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(ARCHIVE).as("the archive built by package").isRegularFile();
        unpacked = Files.createDirectory(work.resolve("unpacked"));
        Path log = work.resolve("tar.log");
        Process tar = new ProcessBuilder("tar", "-xzf", ARCHIVE.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(exitCode(tar)).as(() -> "tar -xzf: " + read(log)).isZero();
        home = unpacked.resolve(TOP);
    }

    @Test
    void archivesHoldOneDirectoryWithLaunchersJarsAndConfig() throws Exception {
        try (Stream<Path> top = Files.list(unpacked)) {
            assertThat(top).containsExactly(home);
        }
        assertThat(home.resolve("bin/nodrop-transformer")).isExecutable();
        assertThat(home.resolve("bin/nodrop-transformer.cmd")).isRegularFile();
        assertThat(home.resolve("config/transformer.properties")).isRegularFile();
        assertThat(home.resolve("config/simplelogger.properties")).isRegularFile();
        assertThat(home.resolve("README.txt")).content(UTF_8).contains("Version " + VERSION + ".");
        List<String> jars = new ArrayList<>();
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            lib.forEach(jar -> jars.add(jar.getFileName().toString()));
        }
        assertThat(jars)
                .contains("nodrop-transformer-" + VERSION + ".jar")
                .anyMatch(jar -> jar.startsWith("kafka-clients-"))
                .anyMatch(jar -> jar.startsWith("slf4j-simple-"))
                .noneMatch(jar -> jar.endsWith("-all.jar"))
                .noneMatch(jar -> jar.startsWith("nodrop-testkit") || jar.startsWith("junit"));

        Path zip = ARCHIVE.resolveSibling(TOP + ".zip");
        try (ZipFile entries = new ZipFile(zip.toFile())) {
            assertThat(entries.stream().map(ZipEntry::getName)).allMatch(name -> name.startsWith(TOP + "/"));
            ZipEntry windows = entries.getEntry(TOP + "/bin/nodrop-transformer.cmd");
            assertThat(windows).as("the Windows launcher in the zip").isNotNull();
            String script = new String(entries.getInputStream(windows).readAllBytes(), UTF_8);
            assertThat(script).contains("\r\n");
            assertThat(script.replace("\r\n", ""))
                    .as("line ends other than CRLF")
                    .doesNotContain("\n");
        }
    }

    @Test
    void versionThroughASymlinkFromAnotherDirectory(@TempDir Path elsewhere) throws Exception {
        Path link = elsewhere.resolve("nodrop-transformer");
        Files.createSymbolicLink(link, elsewhere.relativize(home.resolve("bin/nodrop-transformer")));
        Path log = elsewhere.resolve("version.log");

        Process version = launch(elsewhere, log, Map.of(), link.toString(), "--version");

        assertThat(exitCode(version)).as(() -> read(log)).isZero();
        assertThat(read(log).strip()).isEqualTo("nodrop-transformer " + VERSION);
    }

    @Test
    void aJavaHomeWithoutJavaIsNamed(@TempDir Path elsewhere) throws Exception {
        Path log = elsewhere.resolve("java-home.log");
        Path missing = elsewhere.resolve("no-jdk");

        Process launcher = launch(
                elsewhere,
                log,
                Map.of("JAVA_HOME", missing.toString()),
                home.resolve("bin/nodrop-transformer").toString(),
                "--version");

        assertThat(exitCode(launcher)).isEqualTo(2);
        assertThat(read(log)).contains("JAVA_HOME", missing.toString());
    }

    @Test
    void enrichesDeadLettersAndStopsCleanlyOnSigterm(EmbeddedKafkaBroker broker, @TempDir Path elsewhere)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "logs-" + run;
        String output = input + "-enriched";
        String dlq = input + ".dlq";
        broker.createTopic(input, 2);
        broker.createTopic(output, 2);
        broker.createTopic(dlq, 1);
        List<byte[]> values = new ArrayList<>();
        for (int seq = 0; seq < EVENTS; seq++) {
            values.add(event(seq));
        }
        byte[] malformed = ("{\"seq\":" + EVENTS + ",\"message\":").getBytes(UTF_8);
        values.add(malformed);
        produce(broker, input, values);

        Path config = elsewhere.resolve("transformer.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "bootstrap.servers=" + broker.bootstrapServers(),
                        "input=" + input,
                        "output=" + output,
                        "group.id=g-" + run,
                        "stats.interval=1s",
                        "shutdown.timeout=20s",
                        ""));
        // Kafka's client version line (AppInfoParser, at info) raised in the unpacked config/: printed only if
        // config/ is read ahead of the transformer jar's own simplelogger.properties
        Files.writeString(
                home.resolve("config/simplelogger.properties"),
                "\norg.slf4j.simpleLogger.log.org.apache.kafka.common.utils=info\n",
                StandardOpenOption.APPEND);
        Path log = elsewhere.resolve("transformer.log");

        Process transformer = launch(
                elsewhere,
                log,
                Map.of(),
                home.resolve("bin/nodrop-transformer").toString(),
                "--config",
                config.toString());
        try {
            assertThat(broker.consume(output, EVENTS, DEADLINE)).as("outputs").hasSizeGreaterThanOrEqualTo(EVENTS);
            assertThat(broker.consume(dlq, 1, DEADLINE)).as("dead letters").isNotEmpty();

            transformer.destroy(); // SIGTERM, to the JVM itself when the launcher exec'd it
            assertThat(exitCode(transformer)).as(() -> read(log)).isZero();
        } finally {
            transformer.destroyForcibly();
        }

        // everything the stopped transformer wrote, duplicates included
        Map<Integer, List<String>> outputs = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : broker.consumeAll(output, DEADLINE, Map.of())) {
            String value = new String(record.value(), UTF_8);
            outputs.computeIfAbsent(seq(value), seq -> new ArrayList<>()).add(value);
        }
        List<ConsumerRecord<byte[], byte[]>> dead = broker.consumeAll(dlq, DEADLINE, Map.of());
        for (int seq = 0; seq < EVENTS; seq++) {
            assertThat(outputs.get(seq)).as("output of event %d", seq).containsExactly(enriched(event(seq)));
        }
        assertThat(outputs).hasSize(EVENTS);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(malformed);
        assertThat(header(dead.get(0), "nodrop.error")).isNotBlank();
        assertThat(header(dead.get(0), "nodrop.source.topic")).isEqualTo(input);

        String printed = read(log);
        assertThat(printed)
                .contains("nodrop-transformer: stopped: consumed " + (EVENTS + 1) + ", produced " + EVENTS
                        + ", dead-lettered 1, skipped 0")
                .contains("AppInfoParser - Kafka version: ");
    }

    private static byte[] event(int seq) {
        return ("{\"@timestamp\":\"2026-12-03T10:00:00Z\",\"level\":\"INFO\",\"seq\":" + seq + ",\"message\":\"order "
                        + seq + " placed at the caf\u00e9\"}")
                .getBytes(UTF_8);
    }

    /** The input with {@code "hash"} added before its closing brace: the hex MD5 of the input's bytes. */
    private static String enriched(byte[] value) throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(value));
        String json = new String(value, UTF_8);
        return json.substring(0, json.length() - 1) + ",\"hash\":\"" + hash + "\"}";
    }

    private static int seq(String value) {
        Matcher matcher = SEQ.matcher(value);
        assertThat(matcher.find()).as("a seq in %s", value).isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    private static void produce(EmbeddedKafkaBroker broker, String topic, List<byte[]> values) throws Exception {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // one request in flight: a first batch a fresh partition's leader turns away is retried without
        // the batches behind it failing out of sequence
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, ("k" + i % 8).getBytes(UTF_8), values.get(i))));
            }
            producer.flush();
            for (Future<?> future : sent) {
                future.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    /** Starts a command in a directory of its own, with this JVM's Java as JAVA_HOME and a small heap. */
    private static Process launch(Path directory, Path log, Map<String, String> environment, String... command)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // options the JVM announces on its own would end up in the output the tests compare
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        env.putAll(environment);
        return builder.start();
    }

    private static int exitCode(Process process) throws InterruptedException {
        try {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("ended").isTrue();
            return process.exitValue();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
