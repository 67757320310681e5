package io.github.nodrop.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Counts the acknowledged records of every producer in this JVM (output and dead-letter topics alike), and
 * notes when the first one and the {@link #expect expected}-th one were acknowledged: the transformer
 * race's clock, the same for every contender. Set as {@code interceptor.classes} on the copy's producer,
 * on Kafka Streams' producers and on nodrop's (through {@code producerProperty}), so no contender is timed
 * by its own counters. Kafka calls {@link #onAcknowledgement} on the producer's I/O thread just before the
 * record's callback.
 */
public final class AckCounter implements ProducerInterceptor<byte[], byte[]> {

    /** A contender that sees no new acknowledgement for this long has stalled. */
    static final long STALL_SECONDS = 60;

    /** The longest a contender may take in all. */
    static final long CAP_SECONDS = 600;

    static final AtomicLong ACKED = new AtomicLong();
    private static volatile long target = Long.MAX_VALUE;
    private static volatile long firstNanos;
    private static volatile long completeNanos;
    /** When main started, as System.nanoTime(), less the JVM's uptime then: when the JVM was launched. */
    private static volatile long launchNanos;

    /** Notes the JVM's launch time and how many acknowledgements make the run complete. */
    static void expect(long records) {
        launchNanos = System.nanoTime()
                - TimeUnit.MILLISECONDS.toNanos(
                        ManagementFactory.getRuntimeMXBean().getUptime());
        target = records;
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            long n = ACKED.incrementAndGet();
            if (n == 1) {
                firstNanos = System.nanoTime();
            }
            if (n == target) {
                completeNanos = System.nanoTime();
            }
        }
    }

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}

    /**
     * Waits until the expected number of records is acknowledged. Throws when no new acknowledgement came
     * for {@code stallSeconds}, or the whole run passed {@code capSeconds}; the message says how far it got.
     */
    static void await(long stallSeconds, long capSeconds) {
        long start = System.nanoTime();
        long last = -1;
        long lastChange = start;
        while (completeNanos == 0) {
            long now = System.nanoTime();
            long acked = ACKED.get();
            if (acked != last) {
                last = acked;
                lastChange = now;
            }
            if (now - lastChange > TimeUnit.SECONDS.toNanos(stallSeconds)) {
                throw new IllegalStateException(
                        "stalled: " + acked + " of " + target + " acknowledged, none for " + stallSeconds + " s");
            }
            if (now - start > TimeUnit.SECONDS.toNanos(capSeconds)) {
                throw new IllegalStateException(
                        "only " + acked + " of " + target + " acknowledged in " + capSeconds + " s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** The run's figures: the measured interval, the start-up before it, and this JVM's memory and CPU. */
    static String result(ProcessStats stats, Map<String, String> extra) {
        StringBuilder line = new StringBuilder("RESULT seconds=")
                .append((completeNanos - firstNanos) / 1e9)
                .append(" startupSeconds=")
                .append((firstNanos - launchNanos) / 1e9)
                .append(" acked=")
                .append(ACKED.get());
        stats.finish().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        extra.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        return line.toString();
    }

    /** Prints every thread's stack: what a stalled contender was doing. */
    static void dumpThreads() {
        for (Map.Entry<Thread, StackTraceElement[]> entry :
                Thread.getAllStackTraces().entrySet()) {
            System.out.println(
                    "THREAD " + entry.getKey().getName() + " " + entry.getKey().getState());
            for (StackTraceElement frame : entry.getValue()) {
                System.out.println("    at " + frame);
            }
        }
    }
}
