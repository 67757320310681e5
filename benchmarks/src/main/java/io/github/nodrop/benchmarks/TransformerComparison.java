package io.github.nodrop.benchmarks;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.transformer.Guarantee;
import io.github.nodrop.transformer.Mode;
import io.github.nodrop.transformer.Transformer;
import io.github.nodrop.transformer.TransformerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Records/s of the transformer in each mode beside a plain consume -> produce copy with no transform
 * (the ceiling), over the same input topic of ~100-byte JSON events, in one run against the embedded
 * broker. Each contender reads the whole topic with a fresh consumer group; the time is from its start
 * until every record's output is acknowledged. Writes {@code results/<date>-<host>-transformer.md}.
 *
 * <pre>java -cp ... io.github.nodrop.benchmarks.TransformerComparison [--records N] [--partitions 1,4]</pre>
 */
public final class TransformerComparison {

    private TransformerComparison() {}

    public static void main(String[] args) throws Exception {
        int records = 200_000;
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
                .append(". Broker: embedded Kafka 4.4.0 on 127.0.0.1 in the same JVM, same cores.\n")
                .append("Command: `benchmarks/run-transformer.sh")
                .append(args.length == 0 ? "" : " " + String.join(" ", args))
                .append("`. ")
                .append(records)
                .append(" records of ~100-byte JSON per run; records/s = records / time until every output is"
                        + " acknowledged.\n\n");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int partitions : partitionCounts) {
                String input = "bench-in-" + partitions;
                broker.createTopic(input, partitions);
                fill(broker, input, records);
                Map<String, Double> rates = new java.util.LinkedHashMap<>();
                rates.put("plain copy (no transform)", copy(broker, input, partitions, records));
                for (Mode mode : Mode.values()) {
                    rates.put(
                            "nodrop " + mode + " at-least-once",
                            transform(broker, input, partitions, records, mode, Guarantee.AT_LEAST_ONCE));
                }
                rates.put(
                        "nodrop serial exactly-once",
                        transform(broker, input, partitions, records, Mode.SERIAL, Guarantee.EXACTLY_ONCE));
                double ceiling = rates.get("plain copy (no transform)");
                report.append("## ")
                        .append(partitions)
                        .append(" input partition")
                        .append(partitions == 1 ? "" : "s")
                        .append("\n\n");
                report.append("| contender | records/s | ÷ plain copy |\n|---|---:|---:|\n");
                rates.forEach((name, rate) ->
                        report.append(String.format("| %s | %,.0f | %.2f |%n", name, rate, rate / ceiling)));
                report.append('\n');
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

    static double transform(
            EmbeddedKafkaBroker broker, String input, int partitions, int records, Mode mode, Guarantee guarantee) {
        String output = input + "-out-" + UUID.randomUUID().toString().substring(0, 6);
        broker.createTopic(output, partitions);
        broker.createTopic(input + ".dlq", 1);
        Transformer transformer = TransformerConfig.builder()
                .bootstrapServers(broker.bootstrapServers())
                .input(input)
                .output(output)
                .groupId("bench-" + UUID.randomUUID())
                .mode(mode)
                .guarantee(guarantee)
                .statsInterval(Duration.ZERO)
                .create();
        long start = System.nanoTime();
        transformer.start();
        while (transformer.metrics().getProduced() + transformer.metrics().getDeadLettered() < records) {
            sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        transformer.close();
        return records / seconds;
    }

    /** The ceiling: consume, produce the same bytes, commit after acknowledgement; no parsing, no hashing. */
    static double copy(EmbeddedKafkaBroker broker, String input, int partitions, int records) {
        String output = input + "-copy-" + UUID.randomUUID().toString().substring(0, 6);
        broker.createTopic(output, partitions);
        Properties c = broker.clientProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-copy-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties p = broker.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        long start = System.nanoTime();
        long[] acked = new long[1];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            consumer.subscribe(List.of(input));
            int copied = 0;
            while (copied < records) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    producer.send(
                            new ProducerRecord<>(
                                    output, null, record.timestamp(), record.key(), record.value(), record.headers()),
                            (m, e) -> {
                                synchronized (acked) {
                                    acked[0]++;
                                }
                            });
                    offsets.put(
                            new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                    copied++;
                }
                if (!offsets.isEmpty()) {
                    producer.flush();
                    consumer.commitSync(offsets);
                }
            }
            producer.flush();
        }
        return records / ((System.nanoTime() - start) / 1e9);
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
