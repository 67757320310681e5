package io.github.nodrop.core;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** Live counters of one engine; thread-safe, cheap to update from any thread. */
public final class AppenderMetrics implements AppenderMetricsMBean {

    final LongAdder accepted = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder inFlight = new LongAdder();
    private final LongAdder[] spooled = adders(SpoolReason.values().length);
    private final LongAdder[] dropped = adders(DropReason.values().length);
    private final IntSupplier bufferDepth;
    private final LongSupplier bufferBytes;
    private final LongSupplier spoolBytes;
    private final java.util.function.BooleanSupplier kafkaAvailable;

    AppenderMetrics(
            IntSupplier bufferDepth,
            LongSupplier bufferBytes,
            LongSupplier spoolBytes,
            java.util.function.BooleanSupplier kafkaAvailable) {
        this.bufferDepth = bufferDepth;
        this.bufferBytes = bufferBytes;
        this.spoolBytes = spoolBytes;
        this.kafkaAvailable = kafkaAvailable;
    }

    void countSpooled(SpoolReason reason) {
        spooled[reason.ordinal()].increment();
    }

    void countDropped(DropReason reason) {
        dropped[reason.ordinal()].increment();
    }

    public long spooled(SpoolReason reason) {
        return spooled[reason.ordinal()].sum();
    }

    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()].sum();
    }

    @Override
    public long getAccepted() {
        return accepted.sum();
    }

    @Override
    public long getAcked() {
        return acked.sum();
    }

    @Override
    public long getSpooledOverflow() {
        return spooled(SpoolReason.OVERFLOW);
    }

    @Override
    public long getSpooledFailed() {
        return spooled(SpoolReason.FAILED);
    }

    @Override
    public long getSpooledShutdown() {
        return spooled(SpoolReason.SHUTDOWN);
    }

    @Override
    public long getSpooled() {
        return sum(spooled);
    }

    @Override
    public long getReplayed() {
        return replayed.sum();
    }

    @Override
    public long getDroppedSpoolFull() {
        return dropped(DropReason.SPOOL_FULL);
    }

    @Override
    public long getDroppedSpoolError() {
        return dropped(DropReason.SPOOL_ERROR);
    }

    @Override
    public long getDroppedEncodeError() {
        return dropped(DropReason.ENCODE_ERROR);
    }

    @Override
    public long getDroppedRejected() {
        return dropped(DropReason.REJECTED);
    }

    @Override
    public long getDropped() {
        return sum(dropped);
    }

    @Override
    public int getBufferDepth() {
        return bufferDepth.getAsInt();
    }

    @Override
    public long getBufferBytes() {
        return bufferBytes.getAsLong();
    }

    @Override
    public long getInFlight() {
        return inFlight.sum();
    }

    @Override
    public long getSpoolBytes() {
        return spoolBytes.getAsLong();
    }

    @Override
    public boolean isKafkaAvailable() {
        return kafkaAvailable.getAsBoolean();
    }

    /** One line for a status message. */
    public String summary() {
        return "accepted=" + getAccepted() + ", acked=" + getAcked() + ", spooled=" + getSpooled() + " (overflow="
                + getSpooledOverflow() + ", failed=" + getSpooledFailed() + ", shutdown=" + getSpooledShutdown()
                + "), replayed=" + getReplayed() + ", dropped=" + getDropped() + " (spoolFull=" + getDroppedSpoolFull()
                + ", spoolError=" + getDroppedSpoolError() + ", encodeError=" + getDroppedEncodeError()
                + ", rejected=" + getDroppedRejected() + "), spoolBytes=" + getSpoolBytes();
    }

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    private static long sum(LongAdder[] adders) {
        long total = 0;
        for (LongAdder adder : adders) {
            total += adder.sum();
        }
        return total;
    }
}
