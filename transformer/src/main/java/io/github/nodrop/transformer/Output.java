package io.github.nodrop.transformer;

import java.io.PrintStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Sends output and dead-letter records at least once and acknowledges them to the {@link DeliveryTracker}.
 *
 * <p>What Kafka answers: an acknowledgement counts and frees the record's offset for the commit; a record
 * the output topic refuses for good (too large, invalid, a timestamp out of range) goes to the dead-letter
 * topic with the broker's reason; a record the dead-letter topic refuses too is skipped and reported one by
 * one (its offset is then committed: there is nowhere to put it); a record failed only because a
 * batch-mate was refused is sent again; anything else stops the transformer (after it commits what was
 * delivered). Kafka's callbacks only count and queue: sends that follow from them happen on the thread that
 * calls {@link #retryRefused}.
 */
final class Output {

    private final Producer<byte[], byte[]> producer;
    private final DeliveryTracker tracker;
    private final Enrichment enrichment;
    private final TransformerConfig config;
    private final TransformerMetrics metrics;
    private final PrintStream status;
    private final Consumer<Throwable> fatal;
    private final Queue<Item> again = new ConcurrentLinkedQueue<>();

    Output(
            Producer<byte[], byte[]> producer,
            DeliveryTracker tracker,
            Enrichment enrichment,
            TransformerConfig config,
            TransformerMetrics metrics,
            PrintStream status,
            Consumer<Throwable> fatal) {
        this.producer = producer;
        this.tracker = tracker;
        this.enrichment = enrichment;
        this.config = config;
        this.metrics = metrics;
        this.status = status;
        this.fatal = fatal;
    }

    /**
     * Sends the prepared item; false when Kafka could not take it within {@code max.block.ms} (no metadata,
     * its buffer full), in which case the caller keeps the item and tries again later.
     */
    boolean send(Item item) {
        if (item.isDeadLetter() && !enrichment.deadLetterFits(item)) {
            skip(
                    item,
                    "the dead-letter topic " + config.dlq + " does not take a record of " + item.outputBytes()
                            + " bytes either");
            return true;
        }
        try {
            producer.send(item.out, (metadata, error) -> acknowledged(item, error));
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (KafkaException e) {
            fatal.accept(e);
            return true;
        }
    }

    /** Sends again what came back refused (now as dead letters) or failed beside a refused record. */
    void retryRefused() {
        int count = again.size();
        for (int i = 0; i < count; i++) {
            Item item = again.poll();
            if (item == null) {
                return;
            }
            if (!send(item)) {
                again.add(item);
                return;
            }
        }
    }

    boolean hasRetries() {
        return !again.isEmpty();
    }

    private void acknowledged(Item item, Exception error) {
        if (error == null) {
            (item.isDeadLetter() ? metrics.deadLettered : metrics.produced).increment();
            tracker.ack(item.slot, item.in.offset());
        } else if (refusedForGood(error) && !item.isDeadLetter()) {
            item.deadLetter(config.dlq, "output topic refused it: " + error.getMessage());
            again.add(item);
        } else if (refusedForGood(error)) {
            skip(item, "the dead-letter topic refused it: " + error.getMessage());
        } else if (isBatchMate(error)) {
            again.add(item);
        } else {
            fatal.accept(error);
        }
    }

    private void skip(Item item, String why) {
        metrics.skipped.increment();
        status.println("nodrop-transformer: skipped " + item.source() + ": " + why);
        tracker.ack(item.slot, item.in.offset());
    }

    static boolean refusedForGood(Throwable error) {
        return error instanceof RecordTooLargeException
                || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidRecordException
                || error instanceof InvalidTimestampException;
    }

    static boolean isBatchMate(Throwable error) {
        return error != null
                && error.getClass() == KafkaException.class
                && String.valueOf(error.getMessage()).contains("part of a batch which had");
    }
}
