package io.github.nodrop.core;

import io.github.nodrop.core.internal.Journal;
import io.github.nodrop.core.internal.Spool;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Where an event goes when Kafka does not take it, and the fate it then gets: the spool (counted once its
 * bytes are in the file), the quarantine, or a drop with the reason the disk gave. Also encodes with the
 * user's codec, turning any {@link Throwable} into a quarantined plain-text record for that one event.
 * In durable mode every fate given here also marks the event's journal frame done, after the disk write.
 *
 * <p>Thread-safe (the spool and quarantine serialise their writes); a {@link Batch} belongs to one thread.
 *
 * @param <E> the framework's event type
 */
final class Fallback<E> {

    private final EventCodec<E> codec;
    private final Spool spool;
    private final Quarantine quarantine;
    private final Journal journal;
    private final Fates<E> fates;
    private final LongSupplier wallClock;

    Fallback(
            EventCodec<E> codec,
            Spool spool,
            Quarantine quarantine,
            Journal journal,
            Fates<E> fates,
            LongSupplier wallClock) {
        this.codec = codec;
        this.spool = spool;
        this.quarantine = quarantine;
        this.journal = journal;
        this.fates = fates;
        this.wallClock = wallClock;
    }

    /**
     * The event's record, encoding it now if needed; {@code null} when the encoder failed, in which case
     * the event already has its fate (quarantined as text, or dropped).
     */
    EncodedRecord encode(Pending<E> pending) {
        if (pending.record != null) {
            return pending.record;
        }
        try {
            pending.record = codec.encode(pending.event);
            return pending.record;
        } catch (Throwable e) { // an Error from a user's encoder affects this event only
            encodeFailed(pending, e);
            return null;
        }
    }

    /** The encoder threw: keep the event as plain text in quarantine, or drop it if even that fails. */
    void encodeFailed(Pending<E> pending, Throwable error) {
        String text;
        try {
            text = codec.fallbackText(pending.event);
        } catch (Throwable e) {
            fates.dropped(pending.event, DropReason.ENCODE_ERROR, ": " + error, error);
            done(pending);
            return;
        }
        EncodedRecord record = new EncodedRecord(
                null, String.valueOf(text).getBytes(StandardCharsets.UTF_8), List.of(), wallClock.getAsLong());
        quarantine(pending, record, QuarantineReason.ENCODE_ERROR, error);
    }

    /** Puts the record in quarantine and gives the event that fate (or a drop if the disk refuses). */
    void quarantine(Pending<E> pending, EncodedRecord record, QuarantineReason reason, Throwable cause) {
        String why = Quarantine.reason(cause);
        Spool.Written written = quarantine.put(record, why);
        if (written.outcome == Spool.Outcome.WRITTEN) {
            fates.quarantined(pending.event, reason, why, cause);
        } else {
            lost(pending.event, written, quarantine.spool());
        }
        done(pending);
    }

    /** Spools one event now (the caller's overflow path). */
    void spool(Pending<E> pending, SpoolReason reason) {
        Spool.Written written = spool.write(pending.record);
        if (written.outcome == Spool.Outcome.WRITTEN) {
            fates.spooled(pending.event, reason);
        } else {
            lost(pending.event, written, spool);
        }
        done(pending);
    }

    void lost(E event, Spool.Written written, Spool where) {
        switch (written.outcome) {
            case FULL:
                fates.dropped(event, DropReason.SPOOL_FULL, " in " + where.directory(), null);
                break;
            case CLOSED:
                fates.dropped(event, DropReason.STOPPED, " (" + where.directory() + " was closed)", null);
                break;
            default:
                Throwable error = written.error;
                fates.dropped(event, DropReason.SPOOL_ERROR, " in " + where.directory() + ": " + error, error);
        }
    }

    private void done(Pending<E> pending) {
        if (journal != null && pending.journalPosition >= 0) {
            journal.markDone(pending.journalPosition);
        }
    }

    /** One-off events of the files worth a warning (a deleted file rewritten), or {@code null}. */
    String takeNotice() {
        String notice = spool.takeNotice();
        return notice != null ? notice : quarantine.spool().takeNotice();
    }

    Batch batch() {
        return new Batch();
    }

    /** Events to spool together in one write, then counted one by one. One thread only. */
    final class Batch {
        private final List<Pending<E>> pendings = new ArrayList<>();
        private final List<SpoolReason> reasons = new ArrayList<>();
        private final List<EncodedRecord> records = new ArrayList<>();

        void add(Pending<E> pending, SpoolReason reason) {
            pendings.add(pending);
            reasons.add(reason);
            records.add(pending.record);
        }

        boolean isEmpty() {
            return pendings.isEmpty();
        }

        /** Writes what was added and gives each event its fate. */
        void write() {
            if (pendings.isEmpty()) {
                return;
            }
            Spool.Written written = spool.write(records, 0, records.size());
            for (int i = 0; i < pendings.size(); i++) {
                Pending<E> pending = pendings.get(i);
                if (i < written.count) {
                    fates.spooled(pending.event, reasons.get(i));
                } else {
                    lost(pending.event, written, spool);
                }
                done(pending);
            }
            pendings.clear();
            reasons.clear();
            records.clear();
        }
    }
}
