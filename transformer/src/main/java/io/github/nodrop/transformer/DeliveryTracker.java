package io.github.nodrop.transformer;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Knows, per input partition, up to which offset every record's output is acknowledged, so only those
 * offsets are committed, and which of those a commit has confirmed.
 *
 * <p>Records are registered in offset order by the consumer thread and get the {@link Slot} of their
 * partition; acknowledgements arrive in any order from the producer's callbacks and go to that slot. A
 * partition that is revoked is forgotten, and an acknowledgement arriving later lands on its old slot,
 * which nobody reads: it can never move the offsets of a partition this instance no longer owns, or owns
 * again. Thread-safe.
 */
final class DeliveryTracker {

    private final Map<TopicPartition, Slot> slots = new HashMap<>();
    private final AtomicLong inFlightBytes = new AtomicLong();

    /** One assignment of one partition. */
    final class Slot {
        final TopicPartition partition;
        private final ArrayDeque<long[]> pending = new ArrayDeque<>(); // {offset, bytes}
        private final Set<Long> acked = new HashSet<>();
        private long committable = -1;
        private long confirmed = -1;
        private boolean forgotten;

        Slot(TopicPartition partition) {
            this.partition = partition;
        }
    }

    /** Registers the next record of its partition; returns the slot to acknowledge it on. */
    synchronized Slot register(Item item) {
        Slot slot = slots.computeIfAbsent(item.partition, Slot::new);
        slot.pending.addLast(new long[] {item.in.offset(), item.bytes});
        inFlightBytes.addAndGet(item.bytes);
        return slot;
    }

    /** The record's output (or dead letter) is acknowledged, or it is given up for good. */
    synchronized void ack(Slot slot, long offset) {
        if (slot.forgotten) {
            return;
        }
        slot.acked.add(offset);
        while (!slot.pending.isEmpty() && slot.acked.remove(slot.pending.peekFirst()[0])) {
            long[] done = slot.pending.pollFirst();
            inFlightBytes.addAndGet(-done[1]);
            slot.committable = done[0] + 1;
        }
        notifyAll();
    }

    /** Offsets acknowledged beyond what a commit confirmed, for the given partitions or all (null). */
    synchronized Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> which) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Slot slot : slots.values()) {
            if ((which == null || which.contains(slot.partition)) && slot.committable > slot.confirmed) {
                offsets.put(slot.partition, new OffsetAndMetadata(slot.committable));
            }
        }
        return offsets;
    }

    /** A commit of these offsets succeeded. */
    synchronized void confirmed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : offsets.entrySet()) {
            Slot slot = slots.get(entry.getKey());
            if (slot != null) {
                slot.confirmed = Math.max(slot.confirmed, entry.getValue().offset());
            }
        }
    }

    /** Records handed over but not yet acknowledged, over all partitions. */
    synchronized long inFlight() {
        long total = 0;
        for (Slot slot : slots.values()) {
            total += slot.pending.size() - slot.acked.size();
        }
        return total;
    }

    /** Bytes of the records handed over and not yet acknowledged. */
    long inFlightBytes() {
        return inFlightBytes.get();
    }

    /** Whether these partitions (all, for null) have nothing handed over and unacknowledged. */
    synchronized boolean drained(Collection<TopicPartition> which) {
        for (Slot slot : slots.values()) {
            if ((which == null || which.contains(slot.partition)) && !slot.pending.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Waits up to the deadline for {@link #drained}; returns whether they are. */
    synchronized boolean awaitDrained(Collection<TopicPartition> which, long deadlineNanos)
            throws InterruptedException {
        while (!drained(which)) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(20, left / 1_000_000)));
        }
        return true;
    }

    /** Forgets partitions this instance no longer owns; late acknowledgements for them are ignored. */
    synchronized void forget(Collection<TopicPartition> which) {
        for (TopicPartition partition : which) {
            Slot slot = slots.remove(partition);
            if (slot != null) {
                slot.forgotten = true;
                for (long[] pending : slot.pending) {
                    inFlightBytes.addAndGet(-pending[1]);
                }
            }
        }
        notifyAll();
    }

    /** The partitions with records in flight. */
    synchronized Set<TopicPartition> partitions() {
        return new HashSet<>(slots.keySet());
    }
}
