package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    final TopicPartition p0 = new TopicPartition("in", 0);
    final TopicPartition p1 = new TopicPartition("in", 1);
    final OffsetTracker tracker = new OffsetTracker();

    @Test
    void onlyTheContiguousAcknowledgedPrefixIsCommittable() {
        for (long offset = 10; offset < 15; offset++) {
            tracker.register(p0, offset);
        }
        tracker.ack(p0, 12);
        tracker.ack(p0, 11);
        assertThat(tracker.takeCommittable()).isEmpty();
        tracker.ack(p0, 10);
        assertThat(tracker.takeCommittable().get(p0).offset()).isEqualTo(13);
        assertThat(tracker.takeCommittable()).as("nothing new").isEmpty();
        tracker.ack(p0, 14);
        assertThat(tracker.inFlight()).isEqualTo(1);
        assertThat(tracker.firstPending(p0)).isEqualTo(13);
        tracker.ack(p0, 13);
        assertThat(tracker.takeCommittable().get(p0).offset()).isEqualTo(15);
        assertThat(tracker.inFlight()).isZero();
    }

    @Test
    void partitionsAreIndependentAndForgettable() throws Exception {
        tracker.register(p0, 0);
        tracker.register(p1, 0);
        tracker.ack(p1, 0);
        assertThat(tracker.takeCommittable()).containsOnlyKeys(p1);
        assertThat(tracker.awaitDrained(List.of(p1), System.nanoTime())).isTrue();
        assertThat(tracker.awaitDrained(List.of(p0), System.nanoTime())).isFalse();
        tracker.forget(List.of(p0));
        tracker.ack(p0, 0); // a late acknowledgement for a revoked partition is ignored
        assertThat(tracker.takeCommittable()).isEmpty();
    }
}
