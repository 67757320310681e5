package io.github.nodrop.benchmarks;

import io.github.nodrop.transformer.Guarantee;
import io.github.nodrop.transformer.Mode;
import io.github.nodrop.transformer.Transformer;
import io.github.nodrop.transformer.TransformerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
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
 * One transformer contender in a JVM of its own, so its heap, RSS and CPU are its alone: reads the input
 * topic from the beginning with a fresh consumer group and writes every record (enriched, dead-lettered or
 * copied) until the expected number is acknowledged, counted by {@link AckCounter} on its producer. Then it
 * closes cleanly (the last commit or transaction included) and prints {@code RESULT seconds=...
 * startupSeconds=... key=value...}: {@code seconds} from the first acknowledged output record to the last,
 * {@code startupSeconds} from the JVM's launch to the first.
 *
 * <pre>TransformerContender contender bootstrap input output dlq records</pre>
 *
 * Contenders: {@code copy} (the ceiling, see {@link #copy}), {@code nodrop-serial|pipeline|worker}
 * (at-least-once) and {@code nodrop-serial|pipeline|worker-eos} (exactly-once), each with nodrop's defaults.
 * Kafka Streams runs from {@code StreamsContender}, on a classpath of its own.
 */
public final class TransformerContender {

    private TransformerContender() {}

    public static void main(String[] args) {
        String contender = args[0];
        String bootstrap = args[1];
        String input = args[2];
        String output = args[3];
        String dlq = args[4];
        int records = Integer.parseInt(args[5]);
        AckCounter.expect(records);
        ProcessStats stats = ProcessStats.start();
        Map<String, String> extra;
        try {
            if (contender.equals("copy")) {
                extra = copy(bootstrap, input, output, records);
            } else if (contender.startsWith("nodrop-")) {
                boolean eos = contender.endsWith("-eos");
                String mode = contender.substring("nodrop-".length(), contender.length() - (eos ? 4 : 0));
                extra = nodrop(bootstrap, input, output, dlq, Mode.valueOf(mode.toUpperCase(Locale.ROOT)), eos);
            } else {
                throw new IllegalArgumentException("unknown contender " + contender);
            }
        } catch (RuntimeException e) {
            fail(e);
            return;
        }
        System.out.println(AckCounter.result(stats, extra));
        System.out.flush();
        System.exit(0);
    }

    /** Reports why the run failed, with every thread's stack, and ends the JVM without waiting for clients. */
    static void fail(Throwable e) {
        System.out.println("FAILED " + e);
        e.printStackTrace(System.out);
        AckCounter.dumpThreads();
        System.out.flush();
        Runtime.getRuntime().halt(1);
    }

    /**
     * nodrop with its defaults (stats line every 5 s included); only the group, the dead-letter topic, a
     * fixed instance id and the acknowledgement counter are set.
     */
    static Map<String, String> nodrop(
            String bootstrap, String input, String output, String dlq, Mode mode, boolean eos) {
        Transformer transformer = TransformerConfig.builder()
                .bootstrapServers(bootstrap)
                .input(input)
                .output(output)
                .dlq(dlq)
                .groupId("bench-" + System.nanoTime())
                .instanceId("bench")
                .mode(mode)
                .guarantee(eos ? Guarantee.EXACTLY_ONCE : Guarantee.AT_LEAST_ONCE)
                .producerProperty(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, AckCounter.class.getName())
                .create();
        System.out.println("nodrop settings: " + transformer.config());
        transformer.start();
        try {
            AckCounter.await(AckCounter.STALL_SECONDS, AckCounter.CAP_SECONDS);
        } catch (RuntimeException e) {
            System.out.println("nodrop counters at the stall: consumed "
                    + transformer.metrics().getConsumed()
                    + ", produced " + transformer.metrics().getProduced() + ", dead-lettered "
                    + transformer.metrics().getDeadLettered() + ", skipped "
                    + transformer.metrics().getSkipped()
                    + ", queued " + transformer.metrics().getQueueDepth() + ", in flight "
                    + transformer.metrics().getInFlight() + ", failure " + transformer.failure());
            throw e;
        }
        long closeStart = System.nanoTime();
        transformer.close();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("closeMillis", String.valueOf((System.nanoTime() - closeStart) / 1_000_000));
        extra.put("nodropConsumed", String.valueOf(transformer.metrics().getConsumed()));
        extra.put("nodropProduced", String.valueOf(transformer.metrics().getProduced()));
        extra.put("nodropDeadLettered", String.valueOf(transformer.metrics().getDeadLettered()));
        extra.put("nodropSkipped", String.valueOf(transformer.metrics().getSkipped()));
        if (transformer.failure() != null) {
            extra.put("nodropFailure", String.valueOf(transformer.failure()).replace(' ', '_'));
        }
        return extra;
    }

    /** nodrop's consumer defaults ({@code TransformerConfig}), for the copy. */
    static Properties consumerSettings(String bootstrap, String group) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return c;
    }

    /** nodrop's at-least-once producer defaults ({@code TransformerConfig}), for the copy. */
    static Properties producerSettings(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, AckCounter.class.getName());
        return p;
    }

    /** How often the copy commits what is acknowledged: nodrop's default commit interval. */
    static final long COMMIT_INTERVAL_NANOS = Duration.ofMillis(200).toNanos();

    /**
     * The ceiling, written the way nodrop's at-least-once path works minus the work: one thread polls and
     * sends every record's bytes unchanged (key, headers and timestamp kept; malformed records too),
     * asynchronously, with no flush; each acknowledgement marks its input offset in {@link AckedPrefix}, and
     * every 200 ms the acknowledged prefix of each input partition is committed with {@code commitAsync}
     * (skipped while one is in flight). nodrop's consumer and producer settings. No parsing, no hashing.
     */
    static Map<String, String> copy(String bootstrap, String input, String output, int records) {
        Map<TopicPartition, AckedPrefix> prefixes = new HashMap<>();
        Map<TopicPartition, Long> committed = new HashMap<>();
        AtomicReference<Exception> sendFailure = new AtomicReference<>();
        boolean[] commitInFlight = {false};
        long commits = 0;
        long closeStart;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(consumerSettings(bootstrap, "bench-copy-" + System.nanoTime()));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerSettings(bootstrap))) {
            consumer.subscribe(List.of(input));
            long nextCommit = System.nanoTime() + COMMIT_INTERVAL_NANOS;
            Thread watcher = new Thread(
                    () -> {
                        try {
                            AckCounter.await(AckCounter.STALL_SECONDS, AckCounter.CAP_SECONDS);
                        } catch (RuntimeException e) {
                            fail(e);
                        }
                    },
                    "bench-copy-watcher");
            watcher.setDaemon(true);
            watcher.start();
            while (watcher.isAlive()) {
                if (sendFailure.get() != null) {
                    throw new IllegalStateException("a send failed", sendFailure.get());
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    AckedPrefix prefix = prefixes.computeIfAbsent(
                            new TopicPartition(record.topic(), record.partition()), tp -> new AckedPrefix());
                    long slot = prefix.add(record.offset());
                    producer.send(
                            new ProducerRecord<>(
                                    output, null, record.timestamp(), record.key(), record.value(), record.headers()),
                            (metadata, error) -> {
                                if (error == null) {
                                    prefix.ack(slot);
                                } else {
                                    sendFailure.compareAndSet(null, error);
                                }
                            });
                }
                long now = System.nanoTime();
                if (now - nextCommit >= 0) {
                    nextCommit = now + COMMIT_INTERVAL_NANOS;
                    Map<TopicPartition, OffsetAndMetadata> offsets = committable(prefixes, committed);
                    if (!commitInFlight[0] && !offsets.isEmpty()) {
                        commitInFlight[0] = true;
                        commits++;
                        consumer.commitAsync(offsets, (done, error) -> {
                            commitInFlight[0] = false;
                            if (error == null) {
                                done.forEach((tp, o) -> committed.merge(tp, o.offset(), Math::max));
                            }
                        });
                    }
                }
            }
            // after the measured interval: the rest, synchronously, as a clean shutdown would
            closeStart = System.nanoTime();
            Map<TopicPartition, OffsetAndMetadata> rest = committable(prefixes, committed);
            if (!rest.isEmpty()) {
                consumer.commitSync(rest);
                commits++;
            }
        }
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("closeMillis", String.valueOf((System.nanoTime() - closeStart) / 1_000_000));
        extra.put("copyCommits", String.valueOf(commits));
        return extra;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committable(
            Map<TopicPartition, AckedPrefix> prefixes, Map<TopicPartition, Long> committed) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        prefixes.forEach((tp, prefix) -> {
            long next = prefix.committable();
            if (next > committed.getOrDefault(tp, -1L)) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        });
        return offsets;
    }

    /**
     * One input partition's offsets in the order they were sent, and which are acknowledged: the offset
     * after the longest acknowledged prefix is what may be committed. Acknowledgements come in any order
     * (the records go to several output partitions). A growable ring indexed by send slot; thread-safe.
     */
    static final class AckedPrefix {
        private long[] offsets = new long[4096];
        private boolean[] acked = new boolean[4096];
        private long head;
        private long tail;
        private long committable = -1;

        synchronized long add(long offset) {
            if (tail - head == offsets.length) {
                grow();
            }
            int i = (int) (tail & (offsets.length - 1));
            offsets[i] = offset;
            acked[i] = false;
            return tail++;
        }

        synchronized void ack(long slot) {
            acked[(int) (slot & (offsets.length - 1))] = true;
            while (head < tail && acked[(int) (head & (offsets.length - 1))]) {
                committable = offsets[(int) (head & (offsets.length - 1))] + 1;
                head++;
            }
        }

        synchronized long committable() {
            return committable;
        }

        private void grow() {
            long[] newOffsets = new long[offsets.length * 2];
            boolean[] newAcked = new boolean[offsets.length * 2];
            for (long s = head; s < tail; s++) {
                newOffsets[(int) (s & (newOffsets.length - 1))] = offsets[(int) (s & (offsets.length - 1))];
                newAcked[(int) (s & (newAcked.length - 1))] = acked[(int) (s & (acked.length - 1))];
            }
            offsets = newOffsets;
            acked = newAcked;
        }
    }
}
