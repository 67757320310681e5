package io.github.nodrop.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads back what a transformer contender wrote, after its JVM exited, with {@code isolation.level=
 * read_committed}: every input event must be in the output topic (enriched, or copied) or in the
 * dead-letter topic, once; each enriched record must carry the MD5 of its input's bytes. Events are
 * regenerated from the sequence number they carry ({@link LogEvents}).
 */
final class OutputCheck {

    private static final byte[] HASH_MEMBER = "\"hash\":\"".getBytes(StandardCharsets.US_ASCII);

    /** What was found; {@code exact}: enriched records that are the input byte for byte plus the member. */
    record Result(
            long output,
            long deadLetters,
            int distinct,
            long duplicates,
            long missing,
            long unknown,
            long misrouted,
            long wrongHash,
            long altered,
            long exact,
            long enriched) {

        boolean clean() {
            return missing == 0 && duplicates == 0 && unknown == 0 && misrouted == 0 && wrongHash == 0 && altered == 0;
        }

        /** A short verdict for the table. */
        String summary() {
            if (clean()) {
                return "all";
            }
            List<String> problems = new ArrayList<>();
            add(problems, missing, "missing");
            add(problems, duplicates, "duplicated");
            add(problems, misrouted, "misrouted");
            add(problems, wrongHash, "wrong hash");
            add(problems, altered, "altered");
            add(problems, unknown, "unknown");
            return "**" + String.join(", ", problems) + "**";
        }

        private static void add(List<String> problems, long count, String what) {
            if (count > 0) {
                problems.add(String.format("%,d %s", count, what));
            }
        }

        /** One sentence for the notes. */
        String describe(boolean enriching) {
            StringBuilder s = new StringBuilder(String.format(
                    "read back (read_committed): %,d in the output topic, %,d in the dead-letter topic; %,d distinct"
                            + " events, %,d missing, %,d duplicated",
                    output, deadLetters, distinct, missing, duplicates));
            if (enriching) {
                s.append(String.format(
                        "; %,d not where they belong (malformed in the output or JSON in the dead letters); hash"
                                + " right on %,d of %,d enriched; %,d of them the input byte for byte plus the"
                                + " member; %,d dead letters altered",
                        misrouted, enriched - wrongHash, enriched, exact, altered));
            } else {
                s.append(String.format("; %,d copies differ from their input", altered));
            }
            if (unknown > 0) {
                s.append(String.format("; %,d records carry no known sequence number", unknown));
            }
            return s.toString();
        }
    }

    private OutputCheck() {}

    static Result check(String bootstrap, String output, String dlq, LogEvents events, int records, boolean enriching) {
        BitSet seen = new BitSet(records);
        long[] counts = new long[9]; // output, dlq, duplicates, unknown, misrouted, wrongHash, altered, exact, enriched
        MessageDigest md5 = md5();
        read(bootstrap, output, record -> {
            counts[0]++;
            long seq = first(record.value(), seen, records, counts);
            if (seq < 0) {
                return;
            }
            byte[] original = events.event(seq);
            if (!enriching) {
                if (!Arrays.equals(original, record.value())) {
                    counts[6]++;
                }
            } else if (events.malformed(seq)) {
                counts[4]++;
            } else {
                counts[8]++;
                String expected = HexFormat.of().formatHex(md5.digest(original));
                int at = LogEvents.lastIndexOf(record.value(), HASH_MEMBER);
                String found = at < 0 || at + HASH_MEMBER.length + 32 > record.value().length
                        ? ""
                        : new String(record.value(), at + HASH_MEMBER.length, 32, StandardCharsets.US_ASCII);
                if (!expected.equals(found)) {
                    counts[5]++;
                }
                if (Arrays.equals(spliced(original, expected), record.value())) {
                    counts[7]++;
                }
            }
        });
        read(bootstrap, dlq, record -> {
            counts[1]++;
            long seq = first(record.value(), seen, records, counts);
            if (seq < 0) {
                return;
            }
            if (!events.malformed(seq)) {
                counts[4]++;
            } else if (!Arrays.equals(events.event(seq), record.value())) {
                counts[6]++;
            }
        });
        int distinct = seen.cardinality();
        return new Result(
                counts[0],
                counts[1],
                distinct,
                counts[2],
                records - distinct,
                counts[3],
                counts[4],
                counts[5],
                counts[6],
                counts[7],
                counts[8]);
    }

    /** The record's sequence number if it is the first with it, else -1 (counted as duplicate or unknown). */
    private static long first(byte[] value, BitSet seen, int records, long[] counts) {
        long seq = value == null ? -1 : LogEvents.sequence(value);
        if (seq < 0 || seq >= records) {
            counts[3]++;
            return -1;
        }
        if (seen.get((int) seq)) {
            counts[2]++;
            return -1;
        }
        seen.set((int) seq);
        return seq;
    }

    /** The input with {@code ,"hash":"<hex>"} before its last brace: nodrop's output for a well-formed event. */
    static byte[] spliced(byte[] original, String hex) {
        int close = original.length - 1;
        while (close > 0 && original[close] != '}') {
            close--;
        }
        byte[] member = (",\"hash\":\"" + hex + "\"").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[original.length + member.length];
        System.arraycopy(original, 0, out, 0, close);
        System.arraycopy(member, 0, out, close, member.length);
        System.arraycopy(original, close, out, close + member.length, original.length - close);
        return out;
    }

    /** Every committed record of the topic, from the beginning to the end offsets as of now. */
    private static void read(String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 << 20));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long quietSince = System.nanoTime();
            while (!atEnd(consumer, end)) {
                var batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince
                        > Duration.ofSeconds(10).toNanos()) {
                    break; // an open transaction's records stay invisible: what was missing is counted as such
                }
                batch.forEach(each);
            }
        }
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
