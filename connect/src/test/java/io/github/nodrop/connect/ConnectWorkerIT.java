package io.github.nodrop.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.nodrop.connect.testsink.LineFileSink;
import io.github.nodrop.enrich.JsonEnricher;
import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.KafkaExtension;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Connect worker (Kafka's {@code ConnectStandalone}, in a JVM of its own) with the transform loaded
 * from the plugin directory the build makes, set up as the README sets it up for the Elasticsearch sink
 * (bytes in, {@code output=map}, {@code key.by.hash}), in front of a sink connector that writes documents as
 * that sink does ({@link LineFileSink}), with Connect's own error tolerance and dead-letter queue taking the
 * malformed records.
 */
@ExtendWith(KafkaExtension.class)
class ConnectWorkerIT {

    static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    static final int EVENTS = 2_000;

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String input = "logs-" + run;
    final String dlq = input + "-dlq";

    @TempDir
    Path work;

    /** The worker's output, kept after the test. */
    final Path log = Path.of("target", "connect-worker-" + run + ".out");

    @Test
    void theSinkWritesEveryEventEnrichedOnceAndConnectsDeadLetterQueueTakesTheMalformed(EmbeddedKafkaBroker broker)
            throws Exception {
        broker.createTopic(input, 2);
        Map<Integer, byte[]> sent = new HashMap<>();
        List<String> malformed = new ArrayList<>();
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int seq = 0; seq < EVENTS; seq++) {
                byte[] value = ("{\"@timestamp\":\"2026-12-03T10:15:30.123Z\",\"log.level\":\"INFO\",\"seq\":" + seq
                                + ",\"message\":\"caf\u00e9 " + seq + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
                sent.put(seq, value);
                producer.send(new ProducerRecord<>(input, ("request-" + seq).getBytes(StandardCharsets.UTF_8), value));
                if (seq % 100 == 7) {
                    String bad = "plain text line " + seq;
                    malformed.add(bad);
                    producer.send(new ProducerRecord<>(input, bad.getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }

        int port = freePort();
        Path sink = work.resolve("sink.txt");
        Path workerProps = write(
                "worker.properties",
                Map.of(
                        "bootstrap.servers",
                        broker.bootstrapServers(),
                        // the README's Elasticsearch configuration: the bytes on the topic, keys that are not JSON
                        "key.converter",
                        "org.apache.kafka.connect.converters.ByteArrayConverter",
                        "value.converter",
                        "org.apache.kafka.connect.converters.ByteArrayConverter",
                        "offset.storage.file.filename",
                        work.resolve("offsets").toString(),
                        "plugin.path",
                        System.getProperty("nodrop.connect.plugin.path"),
                        // found through its ServiceLoader manifest alone, the discovery Connect recommends
                        "plugin.discovery",
                        "service_load",
                        "listeners",
                        "http://127.0.0.1:" + port,
                        "rest.advertised.host.name",
                        "127.0.0.1"));
        Path connectorProps = write(
                "sink.properties",
                Map.ofEntries(
                        Map.entry("name", "logs-to-index-" + run),
                        Map.entry("connector.class", LineFileSink.class.getName()),
                        Map.entry("tasks.max", "1"),
                        Map.entry("topics", input),
                        Map.entry("file", sink.toString()),
                        Map.entry("transforms", "hash"),
                        Map.entry("transforms.hash.type", "io.github.nodrop.connect.NodropEnrich"),
                        Map.entry("transforms.hash.output", "map"),
                        Map.entry("transforms.hash.key.by.hash", "true"),
                        Map.entry("errors.tolerance", "all"),
                        Map.entry("errors.deadletterqueue.topic.name", dlq),
                        Map.entry("errors.deadletterqueue.topic.replication.factor", "1"),
                        Map.entry("errors.deadletterqueue.context.headers.enable", "true")));

        Process worker = startWorker(workerProps, connectorProps);
        try {
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .failFast("the worker exited; see " + log.toAbsolutePath(), () -> !worker.isAlive())
                    .until(() -> lines(sink).size() >= EVENTS);

            String plugins = get(port, "/connector-plugins?connectorsOnly=false");
            assertThat(plugins).contains("\"class\":\"io.github.nodrop.connect.NodropEnrich\"");
            String location = Arrays.stream(plugins.split("\\},\\{"))
                    .filter(p -> p.contains("NodropEnrich"))
                    .findFirst()
                    .orElseThrow();
            assertThat(location).containsPattern("\"version\":\"\\d+\\.\\d+\\.\\d+");

            List<ConsumerRecord<byte[], byte[]>> dead = broker.consume(dlq, malformed.size(), Duration.ofSeconds(60));
            assertThat(dead)
                    .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrderElementsOf(malformed);
            assertThat(dead)
                    .allSatisfy(r -> assertThat(new String(
                                    r.headers()
                                            .lastHeader("__connect.errors.exception.message")
                                            .value(),
                                    StandardCharsets.UTF_8))
                            .startsWith("nodrop: not a JSON object (starts with 'p')"));
        } finally {
            worker.destroy();
            if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                worker.destroyForcibly();
            }
        }

        JsonEnricher md5 = new JsonEnricher();
        Map<Integer, Integer> seen = new HashMap<>();
        for (String keyAndValue : lines(sink)) {
            String[] parts = keyAndValue.split("\t", 2);
            String line = parts[1];
            Matcher m = SEQ.matcher(line);
            assertThat(m.find()).as(line).isTrue();
            int seq = Integer.parseInt(m.group(1));
            seen.merge(seq, 1, Integer::sum);
            String original = new String(sent.get(seq), StandardCharsets.UTF_8);
            assertThat(line)
                    .isEqualTo(original.substring(0, original.length() - 1) + ",\"hash\":\"" + md5.md5Hex(sent.get(seq))
                            + "\"}");
            assertThat(parts[0]).as("the key: the hash").isEqualTo(md5.md5Hex(sent.get(seq)));
        }
        assertThat(seen).hasSize(EVENTS);
        assertThat(seen.values()).allMatch(n -> n == 1);
    }

    /** The test's class path without the transform, so the worker can only find it under plugin.path. */
    Process startWorker(Path workerProps, Path connectorProps) throws Exception {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("nodrop-connect")
                        && !entry.contains("nodrop-enrich")
                        && !entry.replace(File.separatorChar, '/').endsWith("/connect/target/classes"))
                .collect(Collectors.joining(File.pathSeparator));
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        return new ProcessBuilder(
                        java,
                        "-Xmx384m",
                        "-cp",
                        classPath,
                        "org.apache.kafka.connect.cli.ConnectStandalone",
                        workerProps.toString(),
                        connectorProps.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    Path write(String name, Map<String, String> settings) throws Exception {
        Properties props = new Properties();
        props.putAll(settings);
        Path file = work.resolve(name);
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, null);
        }
        return file;
    }

    static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    static String get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
