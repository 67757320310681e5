package io.github.nodrop.benchmarks;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records/s of the transformer in each mode beside Kafka Streams doing the same enrichment (same
 * guarantee) and a plain consume -> produce copy with no transform (the ceiling), over the same input
 * topic of ~100-byte JSON events, in one run against the embedded broker. Each contender runs in a JVM
 * of its own ({@link TransformerContender}) and reads the whole topic with a fresh consumer group; the
 * time is from its JVM's start until every record's output is acknowledged. Writes {@code
 * results/<date>-<host>-transformer.md}.
 *
 * <pre>java -cp ... io.github.nodrop.benchmarks.TransformerComparison [--records N] [--partitions 1,4]</pre>
 */
public final class TransformerComparison {

    private TransformerComparison() {}

    public static void main(String[] args) throws Exception {
        int records = 1_000_000;
        List<Integer> partitionCounts = List.of(1, 4);
        for (int i = 0; i < args.length - 1; i += 2) {
            if (args[i].equals("--records")) {
                records = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--partitions")) {
                partitionCounts = new ArrayList<>();
                for (String p : args[i + 1].split(",")) {
                    partitionCounts.add(Integer.parseInt(p.trim()));
                }
            }
        }
        StringBuilder report = new StringBuilder();
        report.append("# Transformer throughput\n\n")
                .append("Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ")
                .append(System.getProperty("os.name"))
                .append(", Java ")
                .append(System.getProperty("java.version"))
                .append(". Broker: embedded Kafka 4.4.0 on 127.0.0.1 in the harness JVM, same cores.\n")
                .append("Command: `benchmarks/run-transformer.sh")
                .append(args.length == 0 ? "" : " " + String.join(" ", args))
                .append("`. ")
                .append(records)
                .append(" records of ~100-byte JSON per run; records/s = records / time from the first output"
                        + " record acknowledged to the last; start-up (client start, group join, Kafka Streams'"
                        + " start-up) in its own column. Each contender in its own JVM (-Xms64m -Xmx512m, G1).\n\n");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int partitions : partitionCounts) {
                String input = "bench-in-" + partitions;
                broker.createTopic(input, partitions);
                fill(broker, input, records);
                Map<String, Map<String, Double>> results = new java.util.LinkedHashMap<>();
                for (String contender : CONTENDERS) {
                    String output = input + "-" + contender + "-"
                            + UUID.randomUUID().toString().substring(0, 6);
                    broker.createTopic(output, partitions);
                    broker.createTopic(input + ".dlq", 1);
                    System.out.println("  " + partitions + " partition(s): " + contender);
                    results.put(contender, runContender(contender, broker.bootstrapServers(), input, output, records));
                }
                report.append("## ")
                        .append(partitions)
                        .append(" input partition")
                        .append(partitions == 1 ? "" : "s")
                        .append("\n\n");
                report.append(table(results, records));
                System.out.print(report);
            }
        }
        Path out = Paths.get("results", LocalDate.now() + "-" + host() + "-transformer.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println("written to " + out);
    }

    static void fill(EmbeddedKafkaBroker broker, String topic, int records) throws Exception {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < records; i++) {
                String json = String.format(
                        "{\"ts\":\"2026-11-22T10:00:00Z\",\"level\":\"INFO\",\"seq\":%09d,\"msg\":\"order placed ok\"}",
                        i);
                producer.send(new ProducerRecord<>(
                        topic,
                        ("k" + (i % 64)).getBytes(StandardCharsets.UTF_8),
                        json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    static final List<String> CONTENDERS = List.of(
            "copy",
            "nodrop-serial",
            "nodrop-pipeline",
            "nodrop-worker",
            "streams",
            "nodrop-serial-eos",
            "nodrop-pipeline-eos",
            "streams-eos");

    static final Map<String, String> NAMES = Map.of(
            "copy", "plain consume -> produce copy (no transform)",
            "nodrop-serial", "nodrop serial, at-least-once",
            "nodrop-pipeline", "nodrop pipeline (default), at-least-once",
            "nodrop-worker", "nodrop worker, at-least-once",
            "streams", "Kafka Streams + Jackson, at_least_once",
            "nodrop-serial-eos", "nodrop serial, exactly-once",
            "nodrop-pipeline-eos", "nodrop pipeline, exactly-once",
            "streams-eos", "Kafka Streams + Jackson, exactly_once_v2");

    /** Runs one contender in a JVM of its own and returns its figures (seconds, peakHeapUsed, peakRss, cpuNanos). */
    static Map<String, Double> runContender(
            String contender, String bootstrap, String input, String output, int records)
            throws IOException, InterruptedException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m",
                "-Xmx512m",
                "-XX:+UseG1GC",
                "-Djava.net.preferIPv4Stack=true",
                "-cp",
                contender.startsWith("streams") ? streamsClasspath() : System.getProperty("java.class.path"),
                contender.startsWith("streams")
                        ? "io.github.nodrop.benchmarks.StreamsContender"
                        : TransformerContender.class.getName(),
                contender,
                bootstrap,
                input,
                output,
                String.valueOf(records));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Double> figures = new HashMap<>();
        StringBuilder tail = new StringBuilder();
        try (java.io.BufferedReader out = new java.io.BufferedReader(
                new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    for (String pair : line.substring(7).split(" ")) {
                        String[] kv = pair.split("=", 2);
                        figures.put(kv[0], Double.parseDouble(kv[1]));
                    }
                } else if (tail.length() < 4000) {
                    tail.append(line).append('\n');
                }
            }
        }
        if (!process.waitFor(15, TimeUnit.MINUTES) || !figures.containsKey("seconds")) {
            process.destroyForcibly();
            throw new IllegalStateException(contender + " failed:\n" + tail);
        }
        return figures;
    }

    /** kafka-streams needs the kafka-clients of its own version: its contender runs on its own classpath. */
    static String streamsClasspath() {
        String classpath = System.getProperty("bench.streams.classpath");
        if (classpath == null || classpath.isBlank()) {
            throw new IllegalStateException("-Dbench.streams.classpath is not set: run benchmarks/run-transformer.sh");
        }
        return classpath;
    }

    static String table(Map<String, Map<String, Double>> results, int records) {
        StringBuilder md = new StringBuilder();
        md.append("| contender | records/s | ÷ plain copy | ÷ Kafka Streams, same guarantee | start-up s |"
                + " peak heap MB | peak RSS MB | ÷ Kafka Streams RSS | CPU s |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        double copy = records / results.get("copy").get("seconds");
        for (Map.Entry<String, Map<String, Double>> entry : results.entrySet()) {
            String contender = entry.getKey();
            Map<String, Double> f = entry.getValue();
            double rate = records / f.get("seconds");
            String streams = contender.endsWith("-eos") ? "streams-eos" : "streams";
            boolean nodrop = contender.startsWith("nodrop");
            String vsStreams = nodrop
                    ? String.format(
                            "%.2f", rate / (records / results.get(streams).get("seconds")))
                    : "";
            String vsStreamsRss = nodrop
                    ? String.format(
                            "%.2f", f.get("peakRss") / results.get(streams).get("peakRss"))
                    : "";
            md.append(String.format(
                    "| %s | %,.0f | %.2f | %s | %.1f | %.0f | %.0f | %s | %.1f |%n",
                    NAMES.get(contender),
                    rate,
                    rate / copy,
                    vsStreams,
                    f.getOrDefault("startupSeconds", 0.0),
                    f.get("peakHeapUsed") / 1048576,
                    f.get("peakRss") / 1048576,
                    vsStreamsRss,
                    f.get("cpuNanos") / 1e9));
        }
        return md.append('\n').toString();
    }

    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis); // polling a counter while the measured work runs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static long peakHeapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }
}
