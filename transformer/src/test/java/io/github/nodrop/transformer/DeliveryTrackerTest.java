package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeliveryTrackerTest {

    final TopicPartition p0 = new TopicPartition("in", 0);
    final TopicPartition p1 = new TopicPartition("in", 1);
    final DeliveryTracker tracker = new DeliveryTracker();

    static Item item(int partition, long offset) {
        return new Item(new ConsumerRecord<>("in", partition, offset, null, new byte[10]));
    }

    DeliveryTracker.Slot register(int partition, long offset) {
        return tracker.register(item(partition, offset));
    }

    @Test
    void onlyTheContiguousAcknowledgedPrefixIsCommittableAndOnlyAConfirmedCommitCounts() {
        DeliveryTracker.Slot slot = null;
        for (long offset = 10; offset < 15; offset++) {
            slot = register(0, offset);
        }
        tracker.ack(slot, 12);
        tracker.ack(slot, 11);
        assertThat(tracker.committable(null)).isEmpty();
        tracker.ack(slot, 10);
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable(null);
        assertThat(offsets.get(p0).offset()).isEqualTo(13);
        assertThat(tracker.committable(null))
                .as("a commit that was not confirmed is offered again")
                .isEqualTo(offsets);
        tracker.confirmed(offsets);
        assertThat(tracker.committable(null)).as("nothing new").isEmpty();
        tracker.ack(slot, 14);
        assertThat(tracker.inFlight()).isEqualTo(1);
        tracker.ack(slot, 13);
        assertThat(tracker.committable(null).get(p0).offset()).isEqualTo(15);
        assertThat(tracker.inFlight()).isZero();
        assertThat(tracker.inFlightBytes()).isZero();
    }

    @Test
    void aLateAcknowledgementNeverMovesAPartitionRevokedAndAssignedAgain() throws Exception {
        DeliveryTracker.Slot old = register(0, 0);
        DeliveryTracker.Slot other = register(1, 0);
        tracker.ack(other, 0);
        assertThat(tracker.committable(null)).containsOnlyKeys(p1);
        assertThat(tracker.awaitDrained(List.of(p1), System.nanoTime())).isTrue();
        assertThat(tracker.awaitDrained(List.of(p0), System.nanoTime())).isFalse();
        tracker.forget(List.of(p0));
        DeliveryTracker.Slot again = register(0, 5); // assigned again, reading from the committed offset
        tracker.ack(old, 0); // the acknowledgement of the revoked assignment arrives now
        assertThat(tracker.committable(List.of(p0))).isEmpty();
        tracker.ack(again, 5);
        assertThat(tracker.committable(List.of(p0)).get(p0).offset()).isEqualTo(6);
    }
}
