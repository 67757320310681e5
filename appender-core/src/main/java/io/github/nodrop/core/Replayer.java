package io.github.nodrop.core;

import io.github.nodrop.core.internal.Spool;
import io.github.nodrop.core.internal.SpoolReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Resends spooled records, oldest file first, and deletes a file only once Kafka acknowledged every
 * record in it. A record torn by a crash ends its file: the records before it are replayed, the tear is
 * reported, nothing after it is sent. Runs on the engine's replay thread only.
 */
final class Replayer {

    /** Records sent and not yet acknowledged during replay; Kafka's buffer.memory bounds the bytes. */
    private static final int MAX_OUTSTANDING = 16_384;

    private final AppenderConfig config;
    private final Spool spool;
    private final StatusListener status;
    private final String prefix;
    private final AppenderMetrics metrics;
    private final BooleanSupplier stopping;
    private final Consumer<Exception> unavailable;
    private final LongSupplier nanoClock;
    private final long ackTimeoutNanos;

    Replayer(
            AppenderConfig config,
            Spool spool,
            StatusListener status,
            String prefix,
            AppenderMetrics metrics,
            BooleanSupplier stopping,
            Consumer<Exception> unavailable,
            LongSupplier nanoClock) {
        this.config = config;
        this.spool = spool;
        this.status = status;
        this.prefix = prefix;
        this.metrics = metrics;
        this.stopping = stopping;
        this.unavailable = unavailable;
        this.nanoClock = nanoClock;
        Object delivery = config.producerConfig().get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG);
        long deliveryMs = delivery == null ? 120_000 : Long.parseLong(delivery.toString());
        this.ackTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(deliveryMs + 5_000);
    }

    /**
     * Whether Kafka takes records again: its metadata answers and, when replay is on, the oldest spool
     * file goes through (cached metadata alone can look healthy while the broker is down).
     */
    boolean probe(Producer<byte[], byte[]> producer) {
        try {
            producer.partitionsFor(config.topic());
        } catch (RuntimeException e) {
            return false;
        }
        if (!config.replayFallback()) {
            return true;
        }
        spool.sealActive();
        for (Path path : spool.candidates()) {
            Spool.ClaimedFile file = spool.claim(path);
            if (file != null) {
                try {
                    return replay(producer, file);
                } finally {
                    file.close();
                }
            }
        }
        return true;
    }

    /** Replays every file this process can claim, until Kafka fails or the engine stops; returns files replayed. */
    int replayAll(Producer<byte[], byte[]> producer) {
        spool.sealActive();
        List<Path> candidates = spool.candidates();
        int replayed = 0;
        for (Path path : candidates) {
            if (stopping.getAsBoolean()) {
                return replayed;
            }
            Spool.ClaimedFile file = spool.claim(path);
            if (file == null) {
                continue;
            }
            try {
                if (!replay(producer, file)) {
                    return replayed;
                }
                replayed++;
            } finally {
                file.close();
            }
        }
        return replayed;
    }

    private boolean replay(Producer<byte[], byte[]> producer, Spool.ClaimedFile file) {
        Acks acks = new Acks(metrics);
        long sent = 0;
        String tear;
        try {
            SpoolReader reader = file.reader();
            String topic = reader.topic() == null ? config.topic() : reader.topic();
            EncodedRecord record;
            while ((record = reader.next()) != null) {
                if (stopping.getAsBoolean() || acks.failure() != null || !acks.awaitBelow(MAX_OUTSTANDING, stopping)) {
                    return false;
                }
                acks.sending();
                producer.send(DeliveryEngine.producerRecord(topic, reader.partition(), record), acks);
                sent++;
            }
            tear = reader.tear();
        } catch (IOException | RuntimeException e) {
            status.warn(prefix + "replaying " + file.path().getFileName() + " failed: " + e, e);
            unavailable.accept(e);
            return false;
        }
        long deadline = nanoClock.getAsLong() + ackTimeoutNanos;
        if (!acks.awaitAll(deadline, nanoClock, stopping) || acks.failure() != null) {
            Exception failure = acks.failure();
            if (failure != null) {
                unavailable.accept(failure);
            }
            return false;
        }
        if (tear != null) {
            status.warn(
                    prefix + "spool file " + tear + "; replayed the " + sent
                            + " records before it and skipped the rest (the writer was probably killed mid-write)",
                    null);
        }
        try {
            file.delete();
        } catch (IOException e) {
            status.warn(prefix + "replayed " + file.path() + " but cannot delete it: " + e, e);
            return false;
        }
        return true;
    }

    /** Counts acknowledgements of one file's records; Kafka's callbacks only count here. */
    private static final class Acks implements org.apache.kafka.clients.producer.Callback {
        private final AppenderMetrics metrics;
        private long outstanding;
        private Exception failure;

        Acks(AppenderMetrics metrics) {
            this.metrics = metrics;
        }

        synchronized void sending() {
            outstanding++;
        }

        synchronized Exception failure() {
            return failure;
        }

        @Override
        public synchronized void onCompletion(
                org.apache.kafka.clients.producer.RecordMetadata metadata, Exception exception) {
            outstanding--;
            if (exception == null) {
                metrics.replayed.increment();
            } else if (DeliveryEngine.refusedForGood(exception)) {
                metrics.countDropped(DropReason.REJECTED);
            } else if (failure == null) {
                failure = exception;
            }
            notifyAll();
        }

        synchronized boolean awaitBelow(long limit, BooleanSupplier stopping) {
            while (outstanding >= limit && failure == null) {
                if (stopping.getAsBoolean() || !waitBriefly()) {
                    return false;
                }
            }
            return true;
        }

        synchronized boolean awaitAll(long deadline, LongSupplier clock, BooleanSupplier stopping) {
            while (outstanding > 0) {
                if (clock.getAsLong() > deadline || !waitBriefly()) {
                    return false;
                }
                if (stopping.getAsBoolean() && failure != null) {
                    return false;
                }
            }
            return true;
        }

        private boolean waitBriefly() {
            try {
                wait(100);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
