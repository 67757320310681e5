package io.github.nodrop.transformer;

import io.github.nodrop.enrich.JsonEnricher;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Exactly-once delivery: outputs, dead letters and the input offsets they come from go into one Kafka
 * transaction, so a {@code read_committed} consumer sees each input record's output once, whatever dies when.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>An input offset is sent to the transaction that holds its record's output, never to an earlier one.
 *   <li>A transaction spans several polls and is committed on a timer ({@code commitInterval}) or when it
 *       holds {@code queueRecords} records or {@code queueBytes} bytes.
 *   <li>The producer's {@code transactional.id} is stable per instance (the group and the instance id), so
 *       a restarted instance fences its killed predecessor at once and aborts its open transaction, instead
 *       of every {@code read_committed} reader waiting {@code transaction.timeout.ms} behind it.
 *   <li>A transaction that fails is aborted and its input read again from where it began; a record the
 *       output refused in it goes to the dead-letter topic the second time. A commit that times out is
 *       tried again (Kafka allows it), never aborted blindly.
 *   <li>On revoke the open transaction is committed before the partitions go; fencing, authentication and
 *       authorization errors stop the transformer.
 * </ul>
 *
 * <p>Records are enriched on the polling thread, in the order polled, whatever the mode.
 */
final class ExactlyOnceLoop {

    private final TransformerConfig config;
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final Enrichment enrichment;
    private final TransformerMetrics metrics;
    private final PrintStream status;
    private final Lag lag;
    private final BooleanSupplier stopping;
    private final Consumer<Throwable> fatal;
    private final JsonEnricher enricher = new JsonEnricher();
    private final Map<TopicPartition, Long> begun = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
    private final List<Item> sent = new ArrayList<>();
    /** Records the output refused in a transaction that was then aborted: dead letters next time. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    private final Map<Item, Exception> failures = new ConcurrentHashMap<>();
    private boolean open;
    /** The smallest record size the output refused since start (see {@link #noteRefused()}). */
    private int refusedSize = Integer.MAX_VALUE;

    private long openedAt;
    private long openBytes;

    ExactlyOnceLoop(
            TransformerConfig config,
            org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            Enrichment enrichment,
            TransformerMetrics metrics,
            PrintStream status,
            BooleanSupplier stopping,
            Consumer<Throwable> fatal) {
        this.config = config;
        this.consumer = consumer;
        this.producer = producer;
        this.enrichment = enrichment;
        this.metrics = metrics;
        this.status = status;
        this.lag = new Lag(consumer, metrics);
        this.stopping = stopping;
        this.fatal = fatal;
    }

    int inTransaction() {
        return sent.size();
    }

    void run() {
        producer.initTransactions(); // fences an earlier instance with the same id and aborts what it left open
        consumer.subscribe(List.of(config.input), new Rebalance());
        while (!stopping.getAsBoolean()) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(Duration.ofMillis(open ? 10 : 100));
            } catch (WakeupException e) {
                break;
            }
            try {
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    metrics.consumed.increment();
                    process(new Item(record));
                }
                if (open && dueForCommit()) {
                    commit();
                }
            } catch (RuntimeException e) {
                if (!recover(e)) {
                    return;
                }
            }
            lag.update();
        }
        try {
            if (open) {
                commit();
            }
        } catch (RuntimeException e) {
            recover(e); // not committed: the next start reads it again
        }
    }

    private void process(Item item) {
        if (!open) {
            producer.beginTransaction();
            open = true;
            openedAt = System.nanoTime();
            openBytes = 0;
        }
        begun.putIfAbsent(item.partition, item.in.offset());
        if (refused.remove(item.source())) {
            item.deadLetter(config.dlq, "output topic refused it in an earlier, aborted transaction");
        } else {
            enrichment.prepare(item, enricher);
            if (!item.isDeadLetter() && item.outputBytes() >= refusedSize) {
                item.deadLetter(
                        config.dlq,
                        "enriched record of " + item.outputBytes() + " bytes is not smaller than one the output topic"
                                + " refused (" + refusedSize + " bytes)");
            }
        }
        if (item.isDeadLetter() && !enrichment.deadLetterFits(item)) {
            metrics.skipped.increment();
            status.println("nodrop-transformer: skipped " + item.source() + ": the dead-letter topic " + config.dlq
                    + " does not take a record of " + item.outputBytes() + " bytes either");
        } else {
            producer.send(item.out, (metadata, error) -> {
                if (error != null) {
                    failures.put(item, error);
                }
            });
            sent.add(item);
        }
        openBytes += item.bytes;
        positions.put(item.partition, new OffsetAndMetadata(item.in.offset() + 1));
    }

    private boolean dueForCommit() {
        return sent.size() >= config.queueRecords
                || openBytes >= config.queueBytes
                || System.nanoTime() - openedAt >= config.commitInterval.toNanos();
    }

    private void commit() {
        producer.sendOffsetsToTransaction(new HashMap<>(positions), consumer.groupMetadata());
        while (true) {
            try {
                producer.commitTransaction();
                break;
            } catch (TimeoutException e) {
                if (stopping.getAsBoolean() && failures.isEmpty()) {
                    throw e; // at shutdown, not committed: read again next start
                }
                // Kafka: a commit that timed out may be retried; its outcome is not known yet
            }
        }
        for (Item item : sent) {
            (item.isDeadLetter() ? metrics.deadLettered : metrics.produced).increment();
        }
        reset();
    }

    /** After a failure: aborts and rewinds, or says the transformer cannot go on (false). */
    private boolean recover(RuntimeException e) {
        if (e instanceof ProducerFencedException
                || e instanceof InvalidProducerEpochException
                || e instanceof OutOfOrderSequenceException
                || e instanceof UnsupportedVersionException
                || e instanceof AuthenticationException
                || e instanceof AuthorizationException
                || !(e instanceof KafkaException)) {
            fatal.accept(
                    e instanceof ProducerFencedException
                            ? new KafkaException(
                                    "another instance uses transactional.id " + config.transactionalId()
                                            + " (set --instance-id to tell instances on one host apart)",
                                    e)
                            : e);
            return false;
        }
        noteRefused();
        try {
            producer.abortTransaction();
        } catch (KafkaException abortFailed) {
            fatal.accept(abortFailed);
            return false;
        }
        Exception firstFailure = failures.values().stream().findFirst().orElse(null);
        status.println("nodrop-transformer: transaction aborted (" + e.getMessage()
                + (firstFailure == null ? "" : "; a record failed with " + firstFailure) + "); reading "
                + begun.size() + " partitions again from where it began");
        rewind();
        return true;
    }

    /**
     * Which records of the failed transaction go to the dead-letter topic the next time. A record the
     * broker judged on its own (invalid, a timestamp out of range) is known. A record over the topic's size
     * limit is not: a transactional producer fails every batch still pending with that one record's
     * RecordTooLargeException. The largest record that failed is taken as the culprit, and its size as an
     * upper bound of the limit: from then on a record that large goes to the dead-letter topic before it is
     * sent. If a smaller one fails too, the bound comes down with it.
     */
    private void noteRefused() {
        Item largest = null;
        for (Map.Entry<Item, Exception> failure : failures.entrySet()) {
            Item item = failure.getKey();
            Exception error = failure.getValue();
            if (item.isDeadLetter() || !Output.refusedForGood(error)) {
                continue;
            }
            if (error instanceof org.apache.kafka.common.errors.RecordTooLargeException
                    || error instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException) {
                if (largest == null || item.outputBytes() > largest.outputBytes()) {
                    largest = item;
                }
            } else {
                refused.add(item.source());
            }
        }
        if (largest != null) {
            refused.add(largest.source());
            refusedSize = Math.min(refusedSize, largest.outputBytes());
        }
    }

    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        for (Map.Entry<TopicPartition, Long> start : begun.entrySet()) {
            if (assigned.contains(start.getKey())) {
                consumer.seek(start.getKey(), start.getValue());
            }
        }
        reset();
    }

    private void reset() {
        open = false;
        begun.clear();
        positions.clear();
        sent.clear();
        failures.clear();
    }

    /** The open transaction holds records of the revoked partitions: commit it before they go. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!open) {
                return;
            }
            try {
                commit();
            } catch (RuntimeException e) {
                recover(e);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!open) {
                return;
            }
            Set<TopicPartition> lost = new HashSet<>(partitions);
            try {
                producer.abortTransaction(); // offsets of lost partitions cannot be committed by this instance
            } catch (KafkaException e) {
                fatal.accept(e);
            }
            begun.keySet().removeAll(lost);
            rewind();
        }
    }
}
