package io.github.nodrop.benchmarks;

import io.github.nodrop.transformer.Guarantee;
import io.github.nodrop.transformer.Mode;
import io.github.nodrop.transformer.Transformer;
import io.github.nodrop.transformer.TransformerConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One transformer contender in a JVM of its own, so its heap, RSS and CPU are its alone: reads the
 * input topic from the beginning, writes every record (enriched, or copied) to the output topic, and
 * prints {@code RESULT seconds=... key=value...} once every output record is acknowledged: {@code seconds}
 * from the first acknowledged output record to the last, {@code startupSeconds} before that (client
 * start, group join, Kafka Streams' start-up).
 *
 * <pre>TransformerContender contender bootstrap input output records</pre>
 *
 * Contenders: {@code copy} (consume, produce the same bytes, commit after acknowledgement: the ceiling),
 * {@code nodrop-serial|pipeline|worker} (at-least-once), {@code nodrop-serial-eos} and {@code
 * nodrop-pipeline-eos}. Kafka Streams runs from {@code StreamsContender}, on a classpath of its own.
 */
public final class TransformerContender {

    private TransformerContender() {}

    public static void main(String[] args) throws Exception {
        String contender = args[0];
        String bootstrap = args[1];
        String input = args[2];
        String output = args[3];
        int records = Integer.parseInt(args[4]);
        ProcessStats stats = ProcessStats.start();
        long start = System.nanoTime();
        switch (contender) {
            case "copy":
                copy(bootstrap, input, output, records);
                break;
            default:
                if (!contender.startsWith("nodrop-")) {
                    throw new IllegalArgumentException("unknown contender " + contender);
                }
                boolean eos = contender.endsWith("-eos");
                String mode = contender.substring("nodrop-".length(), contender.length() - (eos ? 4 : 0));
                nodrop(bootstrap, input, output, records, Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)), eos);
        }
        printResultAndExit(stats, start);
    }

    /** The line the harness reads: the time since {@code start} and this JVM's memory and CPU. */
    static void printResultAndExit(ProcessStats stats, long start) {
        long end = System.nanoTime();
        long first = firstOutputNanos == 0 ? start : firstOutputNanos;
        StringBuilder line = new StringBuilder("RESULT seconds=")
                .append((end - first) / 1e9)
                .append(" startupSeconds=")
                .append((first - start) / 1e9);
        stats.finish().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        System.out.flush();
        System.exit(0);
    }

    static void nodrop(String bootstrap, String input, String output, int records, Mode mode, boolean eos) {
        Transformer transformer = TransformerConfig.builder()
                .bootstrapServers(bootstrap)
                .input(input)
                .output(output)
                .groupId("bench-" + System.nanoTime())
                .mode(mode)
                .guarantee(eos ? Guarantee.EXACTLY_ONCE : Guarantee.AT_LEAST_ONCE)
                .statsInterval(Duration.ZERO)
                .create();
        transformer.start();
        awaitCount(
                () -> transformer.metrics().getProduced()
                        + transformer.metrics().getDeadLettered(),
                records);
        transformer.close();
    }

    /** Counts acknowledged records of every producer in this JVM; Kafka Streams' producers included. */
    public static final class AckCounter implements ProducerInterceptor<byte[], byte[]> {
        static final AtomicLong ACKED = new AtomicLong();

        @Override
        public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                ACKED.incrementAndGet();
            }
        }

        @Override
        public void close() {}

        @Override
        public void configure(Map<String, ?> configs) {}
    }

    static String md5Hex(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ceiling: consume, produce the same bytes, commit after acknowledgement; no parsing, no hashing. */
    static void copy(String bootstrap, String input, String output, int records) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-copy-" + System.nanoTime());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, AckCounter.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            consumer.subscribe(List.of(input));
            while (AckCounter.ACKED.get() < records) {
                if (firstOutputNanos == 0 && AckCounter.ACKED.get() > 0) {
                    firstOutputNanos = System.nanoTime();
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    producer.send(new ProducerRecord<>(
                            output, null, record.timestamp(), record.key(), record.value(), record.headers()));
                    offsets.put(
                            new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                if (!offsets.isEmpty()) {
                    producer.flush();
                    consumer.commitSync(offsets);
                }
            }
        }
    }

    /** When the first output record was acknowledged: the rate is measured from there, start-up excluded. */
    static volatile long firstOutputNanos;

    static void awaitCount(LongSupplier count, long target) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (count.getAsLong() < target) {
            if (firstOutputNanos == 0 && count.getAsLong() > 0) {
                firstOutputNanos = System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + count.getAsLong() + " of " + target + " in 10 min");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }
}
