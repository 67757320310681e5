package io.github.nodrop.transformer;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** Live counters of one transformer; thread-safe. */
public final class TransformerMetrics implements TransformerMetricsMBean {

    final LongAdder consumed = new LongAdder();
    final LongAdder produced = new LongAdder();
    final LongAdder deadLettered = new LongAdder();
    final LongAdder skipped = new LongAdder();
    volatile long lag = -1;
    private final IntSupplier queueDepth;
    private final LongSupplier inFlight;

    TransformerMetrics(IntSupplier queueDepth, LongSupplier inFlight) {
        this.queueDepth = queueDepth;
        this.inFlight = inFlight;
    }

    @Override
    public long getConsumed() {
        return consumed.sum();
    }

    /** Enriched records acknowledged by the output topic. */
    @Override
    public long getProduced() {
        return produced.sum();
    }

    /** Records acknowledged by the dead-letter topic. */
    @Override
    public long getDeadLettered() {
        return deadLettered.sum();
    }

    /** Records neither the output nor the dead-letter topic would take; reported one by one. */
    @Override
    public long getSkipped() {
        return skipped.sum();
    }

    /** Records not yet read from the assigned partitions (as of the last fetch), or -1 before it is known. */
    @Override
    public long getLag() {
        return lag;
    }

    @Override
    public int getQueueDepth() {
        return queueDepth.getAsInt();
    }

    @Override
    public long getInFlight() {
        return inFlight.getAsLong();
    }
}
