package io.github.nodrop.core;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Live counters of one engine; thread-safe, cheap to update from any thread (striped adders, summed when
 * read). See {@link AppenderMetricsMBean} for what each means and the sum they keep.
 */
public final class AppenderMetrics implements AppenderMetricsMBean {

    final LongAdder accepted = new LongAdder();
    final LongAdder acked = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder replayQuarantined = new LongAdder();
    final LongAdder recovered = new LongAdder();
    final LongAdder inFlight = new LongAdder();
    final LongAdder skippedClientEvents = new LongAdder();
    private final LongAdder[] spooled = adders(SpoolReason.values().length);
    private final LongAdder[] quarantined = adders(QuarantineReason.values().length);
    private final LongAdder[] dropped = adders(DropReason.values().length);
    private final boolean durable;
    private volatile IntSupplier bufferDepth = () -> 0;
    private volatile LongSupplier bufferBytes = () -> 0;
    private volatile LongSupplier spoolBytes = () -> 0;
    private volatile LongSupplier journalBytes = () -> 0;
    private volatile BooleanSupplier kafkaAvailable = () -> true;

    AppenderMetrics(boolean durable) {
        this.durable = durable;
    }

    void gauges(
            IntSupplier bufferDepth,
            LongSupplier bufferBytes,
            LongSupplier spoolBytes,
            LongSupplier journalBytes,
            BooleanSupplier kafkaAvailable) {
        this.bufferDepth = bufferDepth;
        this.bufferBytes = bufferBytes;
        this.spoolBytes = spoolBytes;
        this.journalBytes = journalBytes;
        this.kafkaAvailable = kafkaAvailable;
    }

    void countSpooled(SpoolReason reason) {
        spooled[reason.ordinal()].increment();
    }

    void countQuarantined(QuarantineReason reason) {
        quarantined[reason.ordinal()].increment();
    }

    void countDropped(DropReason reason) {
        dropped[reason.ordinal()].increment();
    }

    public long spooled(SpoolReason reason) {
        return spooled[reason.ordinal()].sum();
    }

    public long quarantined(QuarantineReason reason) {
        return quarantined[reason.ordinal()].sum();
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
    public long getSpooled() {
        return sum(spooled);
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
    public long getQuarantined() {
        return sum(quarantined);
    }

    @Override
    public long getQuarantinedRefused() {
        return quarantined(QuarantineReason.REFUSED);
    }

    @Override
    public long getQuarantinedEncodeError() {
        return quarantined(QuarantineReason.ENCODE_ERROR);
    }

    @Override
    public long getDropped() {
        return sum(dropped);
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
    public long getDroppedStopped() {
        return dropped(DropReason.STOPPED);
    }

    @Override
    public long getDroppedBufferFull() {
        return dropped(DropReason.BUFFER_FULL);
    }

    /** Accepted events with no fate yet: in the buffer, being encoded, or in flight to Kafka. */
    @Override
    public long getPending() {
        // read the fates before accepted: an event is accepted before it gets its fate, so this is never negative
        long settled = getAcked() + getSpooled() + getQuarantined() + getDropped();
        return getAccepted() - settled;
    }

    @Override
    public long getReplayed() {
        return replayed.sum();
    }

    @Override
    public long getReplayQuarantined() {
        return replayQuarantined.sum();
    }

    @Override
    public long getRecovered() {
        return recovered.sum();
    }

    @Override
    public long getSkippedClientEvents() {
        return skippedClientEvents.sum();
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
    public long getJournalBytes() {
        return journalBytes.getAsLong();
    }

    @Override
    public boolean isKafkaAvailable() {
        return kafkaAvailable.getAsBoolean();
    }

    @Override
    public boolean isDurable() {
        return durable;
    }

    /** One line for a status message. */
    public String summary() {
        return "accepted=" + getAccepted() + " = acked " + getAcked() + " + spooled " + getSpooled() + " (overflow="
                + getSpooledOverflow() + ", failed=" + getSpooledFailed() + ", shutdown=" + getSpooledShutdown()
                + ") + quarantined " + getQuarantined() + " (refused=" + getQuarantinedRefused() + ", encodeError="
                + getQuarantinedEncodeError() + ") + dropped " + getDropped() + " (spoolFull=" + getDroppedSpoolFull()
                + ", spoolError=" + getDroppedSpoolError() + ", bufferFull=" + getDroppedBufferFull() + ", encodeError="
                + getDroppedEncodeError() + ", stopped="
                + getDroppedStopped() + ") + pending " + getPending() + "; from the spool: replayed=" + getReplayed()
                + ", replayQuarantined=" + getReplayQuarantined() + ", recovered from the journal=" + getRecovered()
                + "; spoolBytes=" + getSpoolBytes();
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
