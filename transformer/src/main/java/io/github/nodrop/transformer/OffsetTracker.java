package io.github.nodrop.transformer;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Knows, per input partition, up to which offset every record's output is acknowledged, so only those
 * offsets are committed. Records are registered in offset order by the consumer thread; acknowledgements
 * arrive in any order from the producer's callbacks. Thread-safe.
 */
final class OffsetTracker {

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    private static final class Partition {
        final ArrayDeque<Long> pending = new ArrayDeque<>();
        final Set<Long> acked = new HashSet<>();
        long committable = -1;
        long committed = -1;
    }

    synchronized void register(TopicPartition partition, long offset) {
        partitions.computeIfAbsent(partition, p -> new Partition()).pending.addLast(offset);
    }

    synchronized void ack(TopicPartition partition, long offset) {
        Partition p = partitions.get(partition);
        if (p == null) {
            return; // revoked meanwhile; its new owner reprocesses from the committed offset
        }
        p.acked.add(offset);
        while (!p.pending.isEmpty() && p.acked.remove(p.pending.peekFirst())) {
            p.committable = p.pending.pollFirst() + 1;
        }
        notifyAll();
    }

    /** Offsets that advanced since the last call, ready for {@code commitSync}. */
    synchronized Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, Partition> entry : partitions.entrySet()) {
            Partition p = entry.getValue();
            if (p.committable > p.committed) {
                offsets.put(entry.getKey(), new OffsetAndMetadata(p.committable));
                p.committed = p.committable;
            }
        }
        return offsets;
    }

    /** Records handed over but not yet acknowledged, over all partitions. */
    synchronized long inFlight() {
        long total = 0;
        for (Partition p : partitions.values()) {
            total += p.pending.size() - p.acked.size();
        }
        return total;
    }

    /** Waits until these partitions have nothing in flight, or the deadline. */
    synchronized boolean awaitDrained(Iterable<TopicPartition> which, long deadlineNanos) throws InterruptedException {
        while (true) {
            boolean drained = true;
            for (TopicPartition tp : which) {
                Partition p = partitions.get(tp);
                if (p != null && !p.pending.isEmpty()) {
                    drained = false;
                    break;
                }
            }
            long left = deadlineNanos - System.nanoTime();
            if (drained || left <= 0) {
                return drained;
            }
            wait(Math.max(1, Math.min(100, left / 1_000_000)));
        }
    }

    /** Forgets partitions this instance no longer owns. */
    synchronized void forget(Iterable<TopicPartition> which) {
        for (TopicPartition tp : which) {
            partitions.remove(tp);
        }
    }

    /** The lowest offset not yet acknowledged (where to resume after a failure), or -1 if none pending. */
    synchronized long firstPending(TopicPartition partition) {
        Partition p = partitions.get(partition);
        return p == null || p.pending.isEmpty() ? -1 : p.pending.peekFirst();
    }
}
