package io.github.nodrop.core;

import io.github.nodrop.core.internal.BoundedEventBuffer;
import io.github.nodrop.core.internal.EventBuffer;
import io.github.nodrop.core.internal.Spool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * The engine behind an appender: application threads {@link #submit} events into a bounded buffer and
 * return; a sender thread encodes and sends them; what Kafka does not take goes to the fallback
 * {@link Spool}; a replay thread resends spooled records once Kafka is back.
 *
 * <p>Rules this class keeps:
 *
 * <ul>
 *   <li>{@link #submit} never waits on Kafka and never throws. When the buffer is full the event is
 *       encoded and spooled on the calling thread (a local disk append, like a file appender).
 *   <li>Only the sender and replay threads call the producer, so Kafka's {@code max.block.ms} waits
 *       (metadata, full producer buffer) never reach the application. After a failure the sender spools
 *       without calling Kafka until the replay thread finds Kafka available again.
 *   <li>Every accepted event gets one counted fate: acked, spooled (overflow, failed, shutdown) or
 *       dropped (spool full or unwritable, encoder failure, record refused for good).
 *   <li>Kafka's callbacks only count and queue; spool writes happen on the sender thread, never on
 *       Kafka's network thread.
 *   <li>{@link #stop} is bounded by {@code shutdownTimeout}: it drains the buffer to Kafka, closes the
 *       producer with the time left, and spools whatever is still undelivered.
 * </ul>
 *
 * @param <E> the framework's event type
 */
public final class DeliveryEngine<E> {

    /** Thread names start with this, so adapters can keep events logged on them out of Kafka. */
    public static final String THREAD_PREFIX = "nodrop-";

    private static final int BATCH = 512;
    private static final long SPOOL_FLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final AppenderConfig config;
    private final EventCodec<E> codec;
    private final ProducerFactory producerFactory;
    private final StatusListener status;
    private final UndeliveredListener<E> undelivered;
    private final LongSupplier nanoClock;
    private final String prefix;
    private final EventBuffer<E> buffer;
    private final Spool spool;
    private final AppenderMetrics metrics;
    private final DropReporter drops;
    private final ConcurrentLinkedQueue<Failure<E>> failures = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Exception> unreportedOutage = new AtomicReference<>();
    private final Object lifecycle = new Object();
    private final Object replayWakeup = new Object();

    private volatile Producer<byte[], byte[]> producer;
    private volatile boolean kafkaAvailable = true;
    private volatile boolean running;
    private volatile boolean stopping;
    private volatile long senderDeadline = Long.MAX_VALUE;
    private Thread sender;
    private Thread replayer;
    private ObjectName jmxName;

    public DeliveryEngine(
            AppenderConfig config,
            EventCodec<E> codec,
            ProducerFactory producerFactory,
            StatusListener status,
            UndeliveredListener<E> undelivered) {
        this(config, codec, producerFactory, status, undelivered, System::nanoTime);
    }

    DeliveryEngine(
            AppenderConfig config,
            EventCodec<E> codec,
            ProducerFactory producerFactory,
            StatusListener status,
            UndeliveredListener<E> undelivered,
            LongSupplier nanoClock) {
        this.config = config;
        this.codec = codec;
        this.producerFactory = producerFactory == null ? ProducerFactory.DEFAULT : producerFactory;
        this.status = status;
        this.undelivered = undelivered == null ? new UndeliveredListener<>() {} : undelivered;
        this.nanoClock = nanoClock;
        this.prefix = "appender '" + config.appenderName() + "': ";
        this.buffer = new BoundedEventBuffer<>(config.bufferSize(), config.bufferBytes());
        this.spool = new Spool(
                config.fallbackDir(),
                config.maxFallbackFileSize(),
                config.maxFallbackTotalSize(),
                config.topic(),
                config.partition());
        this.metrics = new AppenderMetrics(buffer::size, buffer::bytes, spool::usedBytes, () -> kafkaAvailable);
        this.drops = new DropReporter(prefix, status, nanoClock);
    }

    /**
     * Opens the spool and starts the threads; never contacts Kafka. Throws {@link IllegalStateException}
     * naming {@code fallbackDir} when the spool directory cannot be created or written.
     */
    public void start() {
        synchronized (lifecycle) {
            if (running) {
                return;
            }
            try {
                spool.open();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        prefix + "fallbackDir '" + config.fallbackDir() + "' cannot be used: " + e.getMessage(), e);
            }
            stopping = false;
            running = true;
            sender = thread("sender", this::runSender);
            replayer = thread("replay", this::runReplayer);
            sender.start();
            replayer.start();
            registerMBean();
        }
    }

    /** Hands an event over; returns at once. Safe from any thread; never throws. */
    public void submit(E event) {
        metrics.accepted.increment();
        int size;
        try {
            size = codec.estimateSize(event);
        } catch (RuntimeException e) {
            size = 1024;
        }
        if (!stopping && buffer.offer(event, size)) {
            return;
        }
        EncodedRecord record = encode(event);
        if (record != null) {
            toSpool(event, record, stopping ? SpoolReason.SHUTDOWN : SpoolReason.OVERFLOW);
        }
    }

    /** Stops within {@code shutdownTimeout}; events not acknowledged by then are spooled. Idempotent. */
    public void stop() {
        synchronized (lifecycle) {
            if (!running) {
                return;
            }
            running = false;
            long timeout = config.shutdownTimeout().toNanos();
            long start = nanoClock.getAsLong();
            long deadline = start + timeout;
            senderDeadline = start + timeout / 2;
            stopping = true;
            synchronized (replayWakeup) {
                replayWakeup.notifyAll();
            }
            join(sender, deadline);
            Producer<byte[], byte[]> p = producer;
            if (p != null) {
                try {
                    p.close(Duration.ofNanos(Math.max(0, deadline - nanoClock.getAsLong())));
                } catch (RuntimeException e) {
                    status.warn(prefix + "closing the Kafka producer failed: " + e, e);
                }
            }
            join(replayer, deadline);
            spoolLeftovers();
            spool.close();
            unregisterMBean();
            long inFlight = metrics.getInFlight();
            if (inFlight > 0) {
                status.warn(
                        prefix + inFlight + " events were still in flight to Kafka at stop; their fate is unknown",
                        null);
            }
            String summary = prefix + "stopped: " + metrics.summary();
            if (metrics.getDropped() > 0 || inFlight > 0) {
                status.warn(summary, null);
            } else {
                status.info(summary);
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    public AppenderMetrics metrics() {
        return metrics;
    }

    public AppenderConfig config() {
        return config;
    }

    // ---- sender thread

    private void runSender() {
        List<E> batch = new ArrayList<>(BATCH);
        long nextProducerAttempt = 0;
        while (true) {
            if (producer == null && nanoClock.getAsLong() >= nextProducerAttempt) {
                if (!createProducer()) {
                    nextProducerAttempt =
                            nanoClock.getAsLong() + config.retryInterval().toNanos();
                }
            }
            batch.clear();
            try {
                buffer.drainTo(batch, BATCH, 50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            reportOutage();
            spoolFailures();
            for (E event : batch) {
                deliver(event);
            }
            int lost = spool.flush(SPOOL_FLUSH_NANOS);
            if (lost > 0) {
                for (int i = 0; i < lost; i++) {
                    metrics.countDropped(DropReason.SPOOL_ERROR);
                }
                drops.dropped(DropReason.SPOOL_ERROR, " in " + spool.directory() + ": " + spool.lastError(), null);
            }
            String notice = spool.takeNotice();
            if (notice != null) {
                status.warn(prefix + notice, null);
            }
            if (stopping && (buffer.size() == 0 || nanoClock.getAsLong() > senderDeadline)) {
                spoolFailures();
                return;
            }
        }
    }

    private boolean createProducer() {
        try {
            producer = producerFactory.create(config.producerConfig());
            return true;
        } catch (RuntimeException | LinkageError e) {
            kafkaAvailable = false;
            status.error(
                    prefix + "cannot create the Kafka producer (" + e.getMessage()
                            + "); events go to the fallback spool until it can",
                    e);
            return false;
        }
    }

    private void deliver(E event) {
        EncodedRecord record = encode(event);
        if (record == null) {
            return;
        }
        Producer<byte[], byte[]> p = producer;
        if (p == null || !kafkaAvailable) {
            toSpool(event, record, SpoolReason.FAILED);
            return;
        }
        metrics.inFlight.increment();
        try {
            p.send(producerRecord(config.topic(), config.partition(), record), new Delivery(event, record));
        } catch (RuntimeException e) {
            metrics.inFlight.decrement();
            markUnavailable(e);
            toSpool(event, record, SpoolReason.FAILED);
        }
    }

    private EncodedRecord encode(E event) {
        try {
            return codec.encode(event);
        } catch (RuntimeException | StackOverflowError e) {
            drop(event, DropReason.ENCODE_ERROR, ": " + e, e);
            return null;
        }
    }

    private void spoolFailures() {
        Failure<E> failure;
        while ((failure = failures.poll()) != null) {
            if (failure.rejected) {
                drop(failure.event, DropReason.REJECTED, ": " + failure.cause, failure.cause);
            } else {
                toSpool(failure.event, failure.record, stopping ? SpoolReason.SHUTDOWN : SpoolReason.FAILED);
            }
        }
    }

    private void spoolLeftovers() {
        List<E> rest = new ArrayList<>();
        try {
            while (buffer.drainTo(rest, BATCH, 0, TimeUnit.MILLISECONDS) > 0) {
                for (E event : rest) {
                    EncodedRecord record = encode(event);
                    if (record != null) {
                        toSpool(event, record, SpoolReason.SHUTDOWN);
                    }
                }
                rest.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spoolFailures();
    }

    private void toSpool(E event, EncodedRecord record, SpoolReason reason) {
        Spool.Result result = spool.write(record);
        if (result == Spool.Result.WRITTEN) {
            metrics.countSpooled(reason);
            notifyListener(() -> undelivered.spooled(event, reason));
        } else if (result == Spool.Result.FULL) {
            drop(event, DropReason.SPOOL_FULL, " in " + spool.directory(), null);
        } else {
            IOException error = spool.lastError();
            drop(event, DropReason.SPOOL_ERROR, " in " + spool.directory() + ": " + error, error);
        }
    }

    private void drop(E event, DropReason reason, String detail, Throwable cause) {
        metrics.countDropped(reason);
        drops.dropped(reason, detail, cause);
        notifyListener(() -> undelivered.dropped(event, reason));
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            status.warn(prefix + "undelivered-event listener failed: " + e, e);
        }
    }

    /** Called from any thread, including Kafka's network thread: only flags; the sender reports. */
    private void markUnavailable(Exception cause) {
        if (kafkaAvailable) {
            kafkaAvailable = false;
            unreportedOutage.set(cause);
        }
    }

    private void reportOutage() {
        Exception cause = unreportedOutage.getAndSet(null);
        if (cause == null) {
            return;
        }
        String spooling = "spooling events to " + spool.directory()
                + (config.replayFallback() ? " and replaying them when it is back" : "");
        if (isSecurityFailure(cause)) {
            status.error(
                    prefix + "Kafka refuses this appender's credentials or certificate (" + cause.getMessage() + "); "
                            + spooling + ". Fix the security settings in producerConfig and restart.",
                    null);
        } else {
            status.warn(prefix + "Kafka is unavailable (" + cause + "); " + spooling, null);
        }
    }

    static boolean isSecurityFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.AuthenticationException
                    || t instanceof org.apache.kafka.common.errors.AuthorizationException) {
                return true;
            }
        }
        return false;
    }

    static boolean refusedForGood(Exception e) {
        return e instanceof RecordTooLargeException || e instanceof org.apache.kafka.common.InvalidRecordException;
    }

    static ProducerRecord<byte[], byte[]> producerRecord(String topic, Integer partition, EncodedRecord record) {
        return new ProducerRecord<>(
                topic, partition, record.timestamp(), record.key(), record.value(), record.headers());
    }

    private final class Delivery implements Callback {
        private final E event;
        private final EncodedRecord record;

        Delivery(E event, EncodedRecord record) {
            this.event = event;
            this.record = record;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception == null) {
                metrics.acked.increment();
            } else {
                boolean rejected = refusedForGood(exception);
                if (!rejected) {
                    markUnavailable(exception);
                }
                failures.add(new Failure<>(event, record, exception, rejected));
            }
            metrics.inFlight.decrement();
        }
    }

    private static final class Failure<E> {
        final E event;
        final EncodedRecord record;
        final Exception cause;
        final boolean rejected;

        Failure(E event, EncodedRecord record, Exception cause, boolean rejected) {
            this.event = event;
            this.record = record;
            this.cause = cause;
            this.rejected = rejected;
        }
    }

    // ---- replay thread

    private void runReplayer() {
        Replayer replay =
                new Replayer(config, spool, status, prefix, metrics, () -> stopping, this::markUnavailable, nanoClock);
        boolean busy = false;
        while (!stopping) {
            if (!busy) {
                synchronized (replayWakeup) {
                    try {
                        replayWakeup.wait(Math.max(1, config.retryInterval().toMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            busy = false;
            Producer<byte[], byte[]> p = producer;
            if (stopping || p == null) {
                continue;
            }
            if (!kafkaAvailable) {
                if (!replay.probe(p)) {
                    continue;
                }
                kafkaAvailable = true;
                status.info(prefix + "Kafka is available again"
                        + (config.replayFallback() ? "; replaying the fallback spool" : ""));
            }
            if (config.replayFallback()) {
                // keep going while there is spool to replay; rest only when it is empty
                busy = replay.replayAll(p) > 0;
            }
        }
    }

    // ---- plumbing

    private Thread thread(String role, Runnable body) {
        Thread thread = new Thread(body, THREAD_PREFIX + role + "-" + config.appenderName());
        thread.setDaemon(true);
        return thread;
    }

    private void join(Thread thread, long deadline) {
        if (thread == null) {
            return;
        }
        long remaining = deadline - nanoClock.getAsLong();
        try {
            if (remaining > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void registerMBean() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String base = "io.github.nodrop:type=KafkaAppender,name=" + ObjectName.quote(config.appenderName());
            ObjectName name = new ObjectName(base);
            for (int i = 2; server.isRegistered(name); i++) {
                name = new ObjectName(base + ",instance=" + i);
            }
            server.registerMBean(metrics, name);
            jmxName = name;
        } catch (JMException | RuntimeException e) {
            status.warn(prefix + "counters not exposed over JMX: " + e, e);
        }
    }

    private void unregisterMBean() {
        if (jmxName == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(jmxName);
        } catch (JMException | RuntimeException e) {
            // already gone
        }
        jmxName = null;
    }

    /** The JMX name the counters are registered under while running, or {@code null}. */
    public ObjectName jmxName() {
        return jmxName;
    }
}
