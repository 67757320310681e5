package io.github.nodrop.core;

import io.github.nodrop.core.internal.Journal;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One record sent to Kafka and not yet settled. Kafka's callback, on Kafka's network thread, only counts an
 * acknowledgement (and marks the journal frame done) or queues the failure for the sender thread, which
 * does any disk I/O. Whoever moves the state away from {@code SENT} first owns the event's fate: the
 * callback, or the stopping thread settling what Kafka never answered. So each event is settled once.
 */
final class Delivery<E> implements Callback {

    static final int SENT = 0;
    static final int ACKED = 1;
    static final int FAILED = 2;
    static final int ABANDONED = 3;

    final Pending<E> pending;
    final Producer<byte[], byte[]> producer;
    private final AppenderMetrics metrics;
    private final Journal journal;
    private final Availability kafka;
    private final Queue<Delivery<E>> failures;
    private final Set<Delivery<E>> inFlight;
    private final AtomicInteger state = new AtomicInteger(SENT);
    private final long epoch;
    volatile Throwable error;

    Delivery(
            Pending<E> pending,
            Producer<byte[], byte[]> producer,
            AppenderMetrics metrics,
            Journal journal,
            Availability kafka,
            Queue<Delivery<E>> failures,
            Set<Delivery<E>> inFlight) {
        this.pending = pending;
        this.producer = producer;
        this.metrics = metrics;
        this.journal = journal;
        this.kafka = kafka;
        this.failures = failures;
        this.inFlight = inFlight;
        this.epoch = kafka.epoch();
        metrics.inFlight.increment();
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception == null) {
            if (state.compareAndSet(SENT, ACKED)) {
                metrics.acked.increment();
                if (journal != null) {
                    journal.markDone(pending.journalPosition);
                }
                settle();
            }
        } else {
            fail(exception);
        }
    }

    /** Records a failure (from the callback, or a throwing {@code send}) for the sender to route. */
    void fail(Throwable exception) {
        error = exception;
        if (state.compareAndSet(SENT, FAILED)) {
            KafkaErrors kind = KafkaErrors.classify(exception);
            if (kind == KafkaErrors.UNAVAILABLE || kind == KafkaErrors.UNAUTHORIZED) {
                kafka.lost(exception, epoch); // at once, so the sender stops sending before it routes this failure
            }
            failures.add(this);
            settle();
        }
    }

    /** Takes the event away from a Kafka that never answered; true if this call now owns its fate. */
    boolean abandon() {
        if (state.compareAndSet(SENT, ABANDONED)) {
            settle();
            return true;
        }
        return false;
    }

    private void settle() {
        inFlight.remove(this);
        metrics.inFlight.decrement();
    }

    /** The outage count when this was sent (see {@link Availability#lost(Throwable, long)}). */
    long epoch() {
        return epoch;
    }

    boolean settled() {
        return state.get() != SENT;
    }
}
