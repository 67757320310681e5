package io.github.nodrop.transformer;

import io.github.nodrop.enrich.JsonEnricher;
import java.util.ArrayDeque;

/**
 * Serial mode: the polling thread enriches and sends. What it has sent and Kafka has not acknowledged is
 * bounded by the queue's byte budget (and half the producer's buffer), so {@code send} never waits for
 * buffer space; a send that waits out {@code max.block.ms} for metadata is tried again at the next poll.
 * So a slow output never keeps the polling thread from polling within {@code max.poll.interval.ms}.
 */
final class SerialDispatcher implements Dispatcher {

    private final Stages stages;
    private final JsonEnricher enricher = new JsonEnricher();
    private final long budget;
    private Item unsent;

    SerialDispatcher(Stages stages) {
        this.stages = stages;
        this.budget = Math.min(stages.config.queueBytes, stages.config.producerBufferMemory() / 2);
    }

    @Override
    public void start() {}

    @Override
    public boolean dispatch(ArrayDeque<Item> backlog) {
        if (unsent != null) {
            if (!stages.output.send(unsent)) {
                return backlog.isEmpty();
            }
            unsent = null;
        }
        DeliveryTracker tracker = stages.tracker;
        while (!backlog.isEmpty() && !stages.failed.getAsBoolean()) {
            Item item = backlog.peekFirst();
            if (tracker.inFlightBytes() > 0 && tracker.inFlightBytes() + item.bytes > budget) {
                return false;
            }
            backlog.pollFirst();
            stages.enrichment.prepare(item, enricher);
            item.slot = tracker.register(item);
            if (!stages.output.send(item)) {
                unsent = item;
                return backlog.isEmpty();
            }
        }
        return backlog.isEmpty();
    }

    @Override
    public int queued() {
        return unsent == null ? 0 : 1;
    }

    @Override
    public void finish(long deadlineNanos) {
        while (unsent != null && System.nanoTime() - deadlineNanos < 0 && !stages.failed.getAsBoolean()) {
            if (stages.output.send(unsent)) {
                unsent = null;
            }
        }
    }
}
