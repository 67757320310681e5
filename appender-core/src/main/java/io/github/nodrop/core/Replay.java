package io.github.nodrop.core;

import io.github.nodrop.core.internal.Spool;
import io.github.nodrop.core.internal.SpoolFormat;
import io.github.nodrop.core.internal.SpoolReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;

/**
 * The replay thread: finds out when Kafka is back, and resends spooled records, oldest file first, with a
 * producer of its own so old records never share a batch with live ones (one refused record fails its
 * whole batch, and replayed records are the ones a topic's age limit refuses).
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A file is deleted only once every record in it is settled: acknowledged, or refused for good and
 *       moved to the quarantine. A record that failed only because a batch-mate was refused is sent again.
 *       One refused record never holds back the records behind it.
 *   <li>An interrupted replay (Kafka gone again, stop) remembers which records are settled beside the
 *       file, so the next replay neither sends them twice nor quarantines a refused record twice.
 *   <li>What is sent and not yet acknowledged is bounded in records and in bytes, well inside the
 *       producer's {@code buffer.memory}, so large records cannot exhaust it.
 *   <li>A record torn by a crash ends its file: the records before it are replayed, the tear is reported.
 *   <li>Only this thread and Kafka's callbacks touch replay state; callbacks only queue.
 * </ul>
 */
final class Replay implements Runnable {

    static final int MAX_OUTSTANDING_RECORDS = 16_384;
    /** A file still being written is taken for replay once it is this old... */
    static final long SEAL_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** ...or once it has not grown for this long. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final int RESEND_ROUNDS = 5;
    private static final long ERROR_REPORT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AppenderConfig config;
    private final Spool spool;
    private final Quarantine quarantine;
    private final Fates<?> fates;
    private final Availability kafka;
    private final ProducerSlot producers;
    private final StatusListener status;
    private final String prefix;
    private final LongSupplier clock;
    private final long maxOutstandingBytes;
    private final long ackTimeoutNanos;
    private final Object wakeup = new Object();
    private volatile boolean stopping;
    private volatile long stopDeadline;
    private volatile long outstandingPeak;
    private long lastErrorReport;
    private Path activeSeen;
    private long activeSeenAt;
    private long activeSeenSize;
    private long activeGrewAt;
    private boolean sealPending;

    Replay(
            AppenderConfig config,
            Spool spool,
            Quarantine quarantine,
            Fates<?> fates,
            Availability kafka,
            ProducerSlot producers,
            StatusListener status,
            String prefix,
            LongSupplier clock) {
        this.config = config;
        this.spool = spool;
        this.quarantine = quarantine;
        this.fates = fates;
        this.kafka = kafka;
        this.producers = producers;
        this.status = status;
        this.prefix = prefix;
        this.clock = clock;
        this.maxOutstandingBytes = outstandingBytes(config.replayProducerConfig());
        long deliveryMs = longSetting(config.producerConfig(), ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        this.ackTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(deliveryMs + 5_000);
    }

    /** The bound on replayed bytes in flight: half the replay producer's buffer.memory, 1 MB to 64 MB. */
    static long outstandingBytes(java.util.Map<String, Object> producerConfig) {
        long memory = longSetting(producerConfig, ProducerConfig.BUFFER_MEMORY_CONFIG, 32L << 20);
        return Math.max(1L << 20, Math.min(64L << 20, memory / 2));
    }

    /** The most bytes that were ever sent and unacknowledged at once. */
    long outstandingPeak() {
        return outstandingPeak;
    }

    long maxOutstandingBytes() {
        return maxOutstandingBytes;
    }

    /** Asks the thread to finish: no new sends, acknowledgements awaited until {@code deadline}. */
    void stop(long deadline) {
        stopDeadline = deadline;
        stopping = true;
        wake();
    }

    void wake() {
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    @Override
    public void run() {
        boolean busy = false;
        while (!stopping) {
            if (!busy) {
                synchronized (wakeup) {
                    try {
                        long wait = config.retryInterval().toMillis();
                        wakeup.wait(Math.max(
                                1, sealPending ? Math.min(wait, TimeUnit.NANOSECONDS.toMillis(QUIET_NANOS)) : wait));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            busy = false;
            if (stopping) {
                return;
            }
            try {
                busy = turn();
            } catch (Throwable e) {
                long now = clock.getAsLong();
                if (lastErrorReport == 0 || now - lastErrorReport >= ERROR_REPORT_NANOS) {
                    lastErrorReport = now;
                    status.error(prefix + "replay failed (" + e + "); it goes on", e);
                }
            }
        }
    }

    /** One pass; true if there may be more to do at once. */
    private boolean turn() {
        boolean replay = config.replayFallback()
                && (spool.hasActiveFile() || !spool.candidates().isEmpty());
        if (kafka.available() && !replay) {
            return false;
        }
        if (!producers.maintain()) {
            return false;
        }
        Producer<byte[], byte[]> producer = producers.current();
        if (!kafka.available()) {
            if (!probe(producer)) {
                return false;
            }
            kafka.restored();
        }
        if (!config.replayFallback()) {
            return false;
        }
        sealWhenDue();
        int replayed = 0;
        for (Path path : spool.candidates()) {
            if (stopping || !kafka.available()) {
                break;
            }
            Spool.ClaimedFile file = spool.claim(path);
            if (file == null) {
                continue;
            }
            try {
                if (!replay(producer, file).completed) {
                    break;
                }
                replayed++;
            } finally {
                file.close();
            }
        }
        return replayed > 0;
    }

    /**
     * Seals the file the spool is writing once it is a second old or has not grown for 100 ms. Sealing on every pass would cut a steady overflow into a file every few milliseconds: each
     * one a rename, a claim and a delete, and a writer and this thread taking turns on the spool's lock
     * while the application's threads are waiting to spool.
     */
    private void sealWhenDue() {
        Path active = spool.activePath();
        long size = spool.activeSize();
        long now = clock.getAsLong();
        sealPending = false;
        if (active == null) {
            activeSeen = null;
            return;
        }
        if (!active.equals(activeSeen)) {
            activeSeen = active;
            activeSeenAt = now;
            activeGrewAt = now;
            activeSeenSize = size;
        } else if (size != activeSeenSize) {
            activeSeenSize = size;
            activeGrewAt = now;
        }
        if (now - activeSeenAt >= SEAL_AFTER_NANOS || now - activeGrewAt >= QUIET_NANOS) {
            spool.sealActive();
            activeSeen = null;
        } else {
            sealPending = true;
        }
    }

    /**
     * Whether Kafka takes records again: its metadata answers and, with replay on, it answers for the
     * oldest spool file (cached metadata alone can look healthy while the broker is down).
     */
    private boolean probe(Producer<byte[], byte[]> producer) {
        try {
            producer.partitionsFor(config.topic());
        } catch (Throwable e) {
            if (KafkaErrors.classify(e) == KafkaErrors.PRODUCER_BROKEN) {
                producers.broken(producer, e);
            }
            return false;
        }
        if (!config.replayFallback()) {
            return true;
        }
        List<Path> files = spool.candidates();
        if (files.isEmpty()) {
            spool.sealActive();
            files = spool.candidates();
        }
        for (Path path : files) {
            Spool.ClaimedFile file = spool.claim(path);
            if (file != null) {
                try {
                    Result result = replay(producer, file);
                    if (result.answered || !result.completed) {
                        return result.answered;
                    }
                } finally {
                    file.close();
                }
            }
        }
        return true;
    }

    /** Resends one claimed file. */
    Result replay(Producer<byte[], byte[]> producer, Spool.ClaimedFile file) {
        Result result = new Result();
        BitSet settled = file.settled();
        Acks acks = new Acks();
        List<Sent> again = new ArrayList<>();
        int index = 0;
        String tear;
        String topic;
        Integer partition;
        boolean readAll = false;
        try {
            SpoolReader reader = file.reader();
            topic = reader.topic() == null ? config.topic() : reader.topic();
            partition = reader.topic() == null ? config.partition() : reader.partition();
            boolean interrupted = false;
            for (EncodedRecord record; !interrupted && (record = reader.next()) != null; ) {
                int number = index++;
                if (settled.get(number)) {
                    continue;
                }
                Sent sent = new Sent(number, withoutQuarantineReason(record));
                while (!acks.hasRoom(sent.bytes, maxOutstandingBytes)) {
                    settle(acks, settled, again, result, producer);
                    if (stopping || result.failure != null || !acks.waitBriefly()) {
                        break;
                    }
                }
                settle(acks, settled, again, result, producer);
                if (stopping || result.failure != null) {
                    index--; // not sent
                    interrupted = true;
                    break;
                }
                send(producer, topic, partition, sent, acks);
            }
            readAll = !interrupted;
            tear = reader.tear();
        } catch (IOException | RuntimeException e) {
            status.warn(prefix + "replaying " + file.path().getFileName() + " failed: " + e, e);
            acks.awaitAll(clock, deadline());
            settle(acks, settled, again, result, producer);
            file.saveSettled(settled);
            return result;
        }
        acks.awaitAll(clock, deadline());
        settle(acks, settled, again, result, producer);
        for (int round = 0; round < RESEND_ROUNDS && !again.isEmpty() && result.failure == null && !stopping; round++) {
            List<Sent> batch = new ArrayList<>(again);
            again.clear();
            for (Sent sent : batch) {
                while (!acks.hasRoom(sent.bytes, maxOutstandingBytes) && acks.waitBriefly()) {
                    // the answers are handled after the round
                }
                send(producer, topic, partition, sent, acks);
            }
            acks.awaitAll(clock, deadline());
            settle(acks, settled, again, result, producer);
        }
        boolean complete = readAll && acks.outstanding() == 0 && settled.nextClearBit(0) >= index;
        if (!complete) {
            file.saveSettled(settled);
            return result;
        }
        if (tear != null) {
            status.warn(
                    prefix + "spool file " + tear + "; replayed the " + index
                            + " records before it and skipped the rest (the writer was probably killed mid-write)",
                    null);
        }
        try {
            file.delete();
            result.completed = true;
        } catch (IOException e) {
            status.warn(prefix + "replayed " + file.path() + " but cannot delete it: " + e, e);
        }
        return result;
    }

    private void send(Producer<byte[], byte[]> producer, String topic, Integer partition, Sent sent, Acks acks) {
        acks.sending(sent);
        outstandingPeak = Math.max(outstandingPeak, acks.bytes());
        try {
            producer.send(
                    Sender.producerRecord(topic, partition, sent.record), (metadata, error) -> acks.done(sent, error));
        } catch (Throwable e) {
            acks.done(sent, e instanceof Exception ? (Exception) e : new RuntimeException(e));
        }
    }

    /** Handles the answers that came in. */
    private void settle(Acks acks, BitSet settled, List<Sent> again, Result result, Producer<byte[], byte[]> producer) {
        for (Sent sent; (sent = acks.answers.poll()) != null; ) {
            Throwable error = sent.error;
            if (error == null) {
                settled.set(sent.index);
                fates.replayed();
                result.answered = true;
                continue;
            }
            switch (KafkaErrors.classify(error)) {
                case REFUSED:
                    result.answered = true;
                    String why = Quarantine.reason(error);
                    Spool.Written written = quarantine.put(sent.record, why);
                    if (written.outcome == Spool.Outcome.WRITTEN) {
                        settled.set(sent.index);
                        fates.replayQuarantined(why, error);
                    } else if (result.failure == null) {
                        result.failure = error; // the record stays in its spool file
                        status.warn(
                                prefix + "a spooled record Kafka refuses cannot be quarantined (" + written.outcome
                                        + ", " + written.error + "); it stays in " + spool.directory(),
                                null);
                    }
                    break;
                case BATCH_MATE:
                    result.answered = true;
                    sent.error = null;
                    again.add(sent);
                    break;
                case PRODUCER_BROKEN:
                    producers.broken(producer, error);
                    result.failure = error;
                    break;
                default:
                    kafka.lost(error);
                    if (result.failure == null) {
                        result.failure = error;
                    }
            }
        }
    }

    private long deadline() {
        long acks = clock.getAsLong() + ackTimeoutNanos;
        return stopping && stopDeadline - acks < 0 ? stopDeadline : acks;
    }

    static EncodedRecord withoutQuarantineReason(EncodedRecord record) {
        List<Header> headers = record.headers();
        if (headers.isEmpty() || !headers.get(headers.size() - 1).key().equals(SpoolFormat.QUARANTINE_REASON_HEADER)) {
            return record;
        }
        return new EncodedRecord(
                record.key(), record.value(), headers.subList(0, headers.size() - 1), record.timestamp());
    }

    private static long longSetting(java.util.Map<String, Object> config, String name, long fallback) {
        Object value = config.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** What replaying one file came to. */
    static final class Result {
        boolean completed;
        boolean answered;
        Throwable failure;
    }

    /** One replayed record on its way. */
    private static final class Sent {
        final int index;
        final EncodedRecord record;
        final long bytes;
        volatile Throwable error;

        Sent(int index, EncodedRecord record) {
            this.index = index;
            this.record = record;
            this.bytes = record.sizeInBytes();
        }
    }

    /** Counts what one file has in flight; Kafka's callbacks only queue the answer here. */
    private final class Acks {
        final Queue<Sent> answers = new ConcurrentLinkedQueue<>();
        private long outstanding;
        private long bytes;

        synchronized void sending(Sent sent) {
            outstanding++;
            bytes += sent.bytes;
        }

        void done(Sent sent, Throwable error) {
            sent.error = error;
            answers.add(sent);
            synchronized (this) {
                outstanding--;
                bytes -= sent.bytes;
                notifyAll();
            }
        }

        synchronized long outstanding() {
            return outstanding;
        }

        synchronized long bytes() {
            return bytes;
        }

        /** Whether one more record of this size may be sent now (always, when nothing is outstanding). */
        synchronized boolean hasRoom(long size, long maxBytes) {
            return outstanding == 0 || (outstanding < MAX_OUTSTANDING_RECORDS && bytes + size <= maxBytes);
        }

        /** Waits for every answer, until the deadline or, once stopping, the stop deadline. */
        synchronized void awaitAll(LongSupplier clock, long deadline) {
            while (outstanding > 0 && clock.getAsLong() - deadline < 0) {
                if (stopping && clock.getAsLong() - stopDeadline >= 0) {
                    return;
                }
                if (!waitBriefly()) {
                    return;
                }
            }
        }

        synchronized boolean waitBriefly() {
            try {
                wait(50);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
