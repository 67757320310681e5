package io.github.nodrop.transformer;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/** Reads the consumer's largest partition lag once a second, on the polling thread (the consumer is not thread-safe). */
final class Lag {

    private final Consumer<byte[], byte[]> consumer;
    private final TransformerMetrics metrics;
    private long next;

    Lag(Consumer<byte[], byte[]> consumer, TransformerMetrics metrics) {
        this.consumer = consumer;
        this.metrics = metrics;
    }

    void update() {
        long now = System.nanoTime();
        if (now - next < 0) {
            return;
        }
        next = now + TimeUnit.SECONDS.toNanos(1);
        double lag = -1;
        for (Map.Entry<MetricName, ? extends Metric> entry : consumer.metrics().entrySet()) {
            if (entry.getKey().name().equals("records-lag-max")) {
                Object value = entry.getValue().metricValue();
                if (value instanceof Double && !((Double) value).isNaN()) {
                    lag = Math.max(lag, (Double) value);
                }
            }
        }
        if (lag >= 0) {
            metrics.lag = (long) lag;
        }
    }
}
