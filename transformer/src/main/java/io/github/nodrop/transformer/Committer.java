package io.github.nodrop.transformer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Commits input offsets for at-least-once delivery: only offsets whose records' outputs are acknowledged,
 * and an offset counts as committed only once Kafka confirmed the commit. While running, it commits
 * asynchronously and often (a crash then reads again well under a second of input); on revoke and at
 * shutdown, synchronously, and a commit that fails is reported with the offsets it could not commit.
 * Polling thread only (Kafka runs the asynchronous callbacks inside {@code poll}).
 */
final class Committer {

    private final Consumer<byte[], byte[]> consumer;
    private final DeliveryTracker tracker;
    private final PrintStream status;
    private boolean inProgress;
    private String lastFailure;

    Committer(Consumer<byte[], byte[]> consumer, DeliveryTracker tracker, PrintStream status) {
        this.consumer = consumer;
        this.tracker = tracker;
        this.status = status;
    }

    void commitAsync() {
        if (inProgress) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(null);
        if (offsets.isEmpty()) {
            return;
        }
        inProgress = true;
        try {
            consumer.commitAsync(offsets, (committed, error) -> {
                inProgress = false;
                if (error == null) {
                    tracker.confirmed(committed);
                    lastFailure = null;
                } else if (!String.valueOf(error.getMessage()).equals(lastFailure)) {
                    lastFailure = String.valueOf(error.getMessage());
                    status.println("nodrop-transformer: commit failed, trying again: " + error.getMessage());
                }
            });
        } catch (KafkaException e) {
            inProgress = false;
            status.println("nodrop-transformer: commit failed, trying again: " + e.getMessage());
        }
    }

    /** Commits what is acknowledged for these partitions (all, for null); returns whether it succeeded. */
    boolean commitSync(Collection<TopicPartition> which, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(which);
        if (offsets.isEmpty()) {
            return true;
        }
        try {
            consumer.commitSync(offsets, timeout);
            tracker.confirmed(offsets);
            return true;
        } catch (KafkaException e) {
            status.println("nodrop-transformer: could not commit " + offsets + " (" + e.getMessage()
                    + "); the records after the last committed offsets will be read again");
            return false;
        }
    }
}
