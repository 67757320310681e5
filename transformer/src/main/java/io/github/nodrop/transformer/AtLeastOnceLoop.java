package io.github.nodrop.transformer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The polling thread of at-least-once delivery: polls, hands records to the mode's {@link Dispatcher},
 * pauses the consumer while the dispatcher is full (it keeps polling, so the group keeps it), commits what
 * is acknowledged, and hands partitions over cleanly on a rebalance.
 *
 * <p>Rules: the consumer is used by this thread only; an input offset is committed only after its output
 * (or dead letter) is acknowledged; on revoke, what was handed over for the revoked partitions is awaited
 * (bounded) and committed before the partitions go; at stop, everything is bounded by the shutdown
 * timeout: drain, wait for acknowledgements, commit.
 */
final class AtLeastOnceLoop {

    private final TransformerConfig config;
    private final Consumer<byte[], byte[]> consumer;
    private final Dispatcher dispatcher;
    private final DeliveryTracker tracker;
    private final Output output;
    private final Committer committer;
    private final TransformerMetrics metrics;
    private final Lag lag;
    private final BooleanSupplier stopping;
    private final BooleanSupplier failed;
    private final ArrayDeque<Item> backlog = new ArrayDeque<>();

    AtLeastOnceLoop(
            TransformerConfig config,
            Consumer<byte[], byte[]> consumer,
            Dispatcher dispatcher,
            DeliveryTracker tracker,
            Output output,
            TransformerMetrics metrics,
            PrintStream status,
            BooleanSupplier stopping,
            BooleanSupplier failed) {
        this.config = config;
        this.consumer = consumer;
        this.dispatcher = dispatcher;
        this.tracker = tracker;
        this.output = output;
        this.committer = new Committer(consumer, tracker, status);
        this.metrics = metrics;
        this.lag = new Lag(consumer, metrics);
        this.stopping = stopping;
        this.failed = failed;
    }

    int backlog() {
        return backlog.size() + dispatcher.queued();
    }

    void run() {
        consumer.subscribe(List.of(config.input), new Rebalance());
        dispatcher.start();
        long nextCommit = System.nanoTime() + config.commitInterval.toNanos();
        boolean paused = false;
        while (!stopping.getAsBoolean() && !failed.getAsBoolean()) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                // while paused, come back soon: the stages free room in microseconds, not in 100 ms
                records = consumer.poll(paused ? Duration.ofMillis(2) : Duration.ofMillis(100));
            } catch (WakeupException e) {
                break;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                metrics.consumed.increment();
                backlog.addLast(new Item(record));
            }
            output.retryRefused();
            boolean empty = dispatcher.dispatch(backlog);
            if (!empty && !paused) {
                consumer.pause(consumer.assignment()); // keep polling, fetch nothing: the group stays alive
                paused = true;
            } else if (empty && paused) {
                consumer.resume(consumer.paused());
                paused = false;
            }
            long now = System.nanoTime();
            if (now - nextCommit >= 0) {
                committer.commitAsync();
                nextCommit = now + config.commitInterval.toNanos();
            }
            lag.update();
        }
        shutdown();
    }

    /** Bounded end to end: the stages drain, acknowledgements are awaited, then one synchronous commit. */
    private void shutdown() {
        long deadline = System.nanoTime() + config.shutdownTimeout.toNanos();
        backlog.clear(); // not handed over: read again at the next start
        dispatcher.finish(deadline);
        awaitDelivered(null, deadline);
        committer.commitSync(null, Duration.ofSeconds(10));
    }

    /** Waits for the acknowledgements of these partitions (all, for null), sending refused records on. */
    private void awaitDelivered(Collection<TopicPartition> which, long deadline) {
        try {
            while (!failed.getAsBoolean()) {
                output.retryRefused();
                long step = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
                if (tracker.awaitDrained(which, step) && !output.hasRetries() || System.nanoTime() - deadline >= 0) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Hands partitions over: what was handed over for them is delivered and committed before they go. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> revoked = new HashSet<>(partitions);
            backlog.removeIf(item -> revoked.contains(item.partition));
            long budget = Math.min(config.shutdownTimeout.toNanos(), TimeUnit.SECONDS.toNanos(20));
            awaitDelivered(revoked, System.nanoTime() + budget);
            committer.commitSync(revoked, Duration.ofSeconds(10));
            tracker.forget(revoked);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Set<TopicPartition> lost = new HashSet<>(partitions);
            backlog.removeIf(item -> lost.contains(item.partition));
            tracker.forget(lost);
        }
    }
}
