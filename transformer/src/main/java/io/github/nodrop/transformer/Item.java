package io.github.nodrop.transformer;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One input record on its way through the transformer: the record, its output (enriched, or its
 * dead-letter record with the reason), and the delivery slot that acknowledges it. Handed from thread to
 * thread through queues, so each field is written before the hand-over and only read after it.
 */
final class Item {

    final ConsumerRecord<byte[], byte[]> in;
    final TopicPartition partition;
    final int bytes;
    DeliveryTracker.Slot slot;
    ProducerRecord<byte[], byte[]> out;
    private boolean deadLetter;

    Item(ConsumerRecord<byte[], byte[]> in) {
        this.in = in;
        this.partition = new TopicPartition(in.topic(), in.partition());
        this.bytes = 64 + (in.value() == null ? 0 : in.value().length) + (in.key() == null ? 0 : in.key().length);
    }

    boolean isDeadLetter() {
        return deadLetter;
    }

    /** The original record, with headers saying why and where from, for the dead-letter topic. */
    void deadLetter(String topic, String why) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : in.headers()) {
            headers.add(header);
        }
        headers.add("nodrop.error", why.getBytes(StandardCharsets.UTF_8));
        headers.add("nodrop.source.topic", in.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("nodrop.source.partition", String.valueOf(in.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("nodrop.source.offset", String.valueOf(in.offset()).getBytes(StandardCharsets.UTF_8));
        out = new ProducerRecord<>(
                topic, null, in.timestamp() < 0 ? null : in.timestamp(), in.key(), in.value(), headers);
        deadLetter = true;
    }

    /** Bytes the output record takes in a produce request, near enough to compare with the topic's limit. */
    int outputBytes() {
        int size = 70 + (out.value() == null ? 0 : out.value().length) + (out.key() == null ? 0 : out.key().length);
        for (Header header : out.headers()) {
            size += 10 + header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    String source() {
        return in.topic() + "-" + in.partition() + "@" + in.offset();
    }
}
