package io.github.nodrop.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic from the beginning with a throw-away consumer group. */
final class TopicReader {

    private TopicReader() {}

    /** Everything in the topic up to its end offsets as of the first assignment (with read_committed: the LSO). */
    static List<ConsumerRecord<byte[], byte[]>> readAll(
            KafkaCluster cluster, String topic, Duration deadline, Map<String, Object> overrides) {
        Properties props = cluster.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putAll(overrides);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<org.apache.kafka.common.TopicPartition> partitions = partitions(consumer, topic, end);
            if (partitions.isEmpty()) {
                return records; // the topic does not exist
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> ends = consumer.endOffsets(partitions, deadline);
            while (System.nanoTime() < end) {
                boolean done = true;
                for (org.apache.kafka.common.TopicPartition partition : partitions) {
                    if (consumer.position(partition, deadline) < ends.get(partition)) {
                        done = false;
                        break;
                    }
                }
                if (done) {
                    break;
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    static List<ConsumerRecord<byte[], byte[]>> readAtLeast(
            KafkaCluster cluster, String topic, int expected, Duration deadline, Map<String, Object> overrides) {
        Properties props = cluster.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "testkit-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putAll(overrides);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long end = System.nanoTime() + deadline.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            // assigned, not subscribed: no group to join, which after a broker restart can take an older
            // client longer than the whole deadline
            List<org.apache.kafka.common.TopicPartition> partitions = partitions(consumer, topic, end);
            if (partitions.isEmpty()) {
                return records; // the topic does not exist (yet)
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < expected && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // pick up stragglers (duplicates) that are already in the log
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    /** The topic's partitions once it exists (an appender's first send may still be creating it), or none. */
    private static List<org.apache.kafka.common.TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> consumer, String topic, long end) {
        List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
        while (partitions.isEmpty()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            List<org.apache.kafka.common.PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofNanos(left));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                break;
            }
            if (infos != null) {
                infos.forEach(p -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
            }
            if (partitions.isEmpty()) {
                java.util.concurrent.locks.LockSupport.parkNanos(
                        java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        return partitions;
    }
}
