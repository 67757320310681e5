package io.github.nodrop.transformer;

import io.github.nodrop.testkit.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Test helpers: writing JSON log events, and reading back what the transformer made of them. */
final class Records {

    static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    static final Pattern HASH = Pattern.compile(",\"hash\":\"([0-9a-f]{32})\"\\}$");

    private Records() {}

    static String event(int seq) {
        return "{\"@timestamp\":\"2026-11-22T10:00:00Z\",\"level\":\"INFO\",\"seq\":" + seq
                + ",\"message\":\"order placed\"}";
    }

    static byte[] key(int seq) {
        return ("k" + (seq % 16)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Waits until every partition of the topic has a leader that serves it: an idempotent producer's first
     * batches to a partition still without one come back NOT_LEADER_OR_FOLLOWER, and the batches behind
     * them then fail with OUT_OF_ORDER_SEQUENCE_NUMBER until they expire.
     */
    static void awaitLeaders(KafkaCluster kafka, String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin =
                        org.apache.kafka.clients.admin.Admin.create(kafka.clientProperties());
                org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> probe =
                        new org.apache.kafka.clients.consumer.KafkaConsumer<>(consumerProperties(kafka))) {
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() ->
                            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                                    .allMatch(p ->
                                            p.leader() != null && !p.leader().isEmpty()));
            List<org.apache.kafka.common.TopicPartition> partitions = new java.util.ArrayList<>();
            probe.partitionsFor(topic)
                    .forEach(p -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
            probe.endOffsets(partitions, java.time.Duration.ofSeconds(30)); // each leader answers
        }
    }

    private static Properties consumerProperties(KafkaCluster kafka) {
        Properties props = kafka.clientProperties();
        props.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        return props;
    }

    /** Writes the values (null for a tombstone) with keys k0..k15. */
    static void produce(KafkaCluster kafka, String topic, List<byte[]> values, int firstSeq) throws Exception {
        awaitLeaders(kafka, topic);
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, key(firstSeq + i), values.get(i))));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> future : sent) {
                future.get(); // a test's input must be complete, or it tests nothing
            }
        }
    }

    static List<byte[]> events(int from, int count) {
        List<byte[]> values = new java.util.ArrayList<>();
        for (int i = from; i < from + count; i++) {
            values.add(event(i).getBytes(StandardCharsets.UTF_8));
        }
        return values;
    }

    static int seq(String value) {
        Matcher matcher = SEQ.matcher(value);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    /** Whether the hash is the MD5 of the value without it (the original bytes). */
    static boolean hashMatches(String value) throws Exception {
        Matcher matcher = HASH.matcher(value);
        if (!matcher.find()) {
            return false;
        }
        String original = value.substring(0, matcher.start()) + "}";
        StringBuilder hex = new StringBuilder();
        for (byte b : MessageDigest.getInstance("MD5").digest(original.getBytes(StandardCharsets.UTF_8))) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString().equals(matcher.group(1));
    }
}
