package io.github.nodrop.transformer;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The records this instance has yet to read: the sum, over its assigned partitions, of the distance from
 * its position to the partition's end as of the last fetch ({@link Consumer#currentLag}, no request to the
 * broker). Read at most once a second, on the polling thread (the consumer is not thread-safe). The
 * consumer's {@code records-lag-max} metric is not used: it is the largest lag seen in a sampling window,
 * so it stays high for up to a minute after the instance has caught up.
 */
final class Lag {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Consumer<byte[], byte[]> consumer;
    private final TransformerMetrics metrics;
    private final LongSupplier clock;
    private long next;

    Lag(Consumer<byte[], byte[]> consumer, TransformerMetrics metrics) {
        this(consumer, metrics, System::nanoTime);
    }

    Lag(Consumer<byte[], byte[]> consumer, TransformerMetrics metrics, LongSupplier clock) {
        this.consumer = consumer;
        this.metrics = metrics;
        this.clock = clock;
        this.next = clock.getAsLong();
    }

    void update() {
        long now = clock.getAsLong();
        if (now - next < 0) {
            return;
        }
        next = now + INTERVAL_NANOS;
        long total = 0;
        boolean known = false;
        for (TopicPartition partition : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(partition);
            if (lag.isPresent()) {
                total += lag.getAsLong();
                known = true;
            }
        }
        if (known || consumer.assignment().isEmpty()) {
            metrics.lag = total;
        }
    }
}
