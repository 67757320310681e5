package io.github.nodrop.transformer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class LagTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    @Test
    void lagIsWhatTheAssignedPartitionsStillHoldAndFallsToZeroOnceCaughtUp() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.updateEndOffsets(Map.of(P0, 30L, P1, 12L));
        consumer.seek(P0, 0);
        consumer.seek(P1, 2);
        TransformerMetrics metrics = new TransformerMetrics(() -> 0, () -> 0L);
        AtomicLong now = new AtomicLong();
        Lag lag = new Lag(consumer, metrics, now::get);

        lag.update();
        assertThat(metrics.getLag())
                .as("30 behind on partition 0, 10 on partition 1")
                .isEqualTo(40);

        for (long offset = 0; offset < 30; offset++) {
            consumer.addRecord(new ConsumerRecord<>("in", 0, offset, null, new byte[0]));
        }
        for (long offset = 2; offset < 12; offset++) {
            consumer.addRecord(new ConsumerRecord<>("in", 1, offset, null, new byte[0]));
        }
        assertThat(consumer.poll(Duration.ZERO).count()).isEqualTo(40);
        lag.update();
        assertThat(metrics.getLag()).as("read at most once a second").isEqualTo(40);

        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        lag.update();
        assertThat(metrics.getLag()).as("caught up: no stale windowed maximum").isZero();
    }

    @Test
    void withNoPartitionsAssignedNothingIsBehind() {
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        TransformerMetrics metrics = new TransformerMetrics(() -> 0, () -> 0L);
        new Lag(consumer, metrics, () -> 0L).update();
        assertThat(metrics.getLag()).isZero();
    }
}
