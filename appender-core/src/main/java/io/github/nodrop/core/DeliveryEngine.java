package io.github.nodrop.core;

import io.github.nodrop.core.internal.EventBuffer;
import io.github.nodrop.core.internal.FileOps;
import io.github.nodrop.core.internal.Journal;
import io.github.nodrop.core.internal.JournalFiles;
import io.github.nodrop.core.internal.RingBuffer;
import io.github.nodrop.core.internal.Spool;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The engine behind an appender, and its lifecycle. One event's way:
 *
 * <pre>
 * application thread  {@link Intake}: [durable: encode, journal] -> bounded buffer -> return
 *                        buffer full -> spiller's queue (durable: stays in the journal) -> return
 *                        both full -> {@link Overflow}: spool here, or drop and count
 * spiller thread      {@link Spiller}: spiller's queue -> encode -> spool, in batches
 * sender thread       {@link Sender}: drain -> encode -> producer.send -> acked | {@link Fallback}
 * replay thread       {@link Replay}: Kafka back? -> resend spool files with a producer of its own
 * everywhere          {@link Fates}: one fate per event, counted; acked + spooled + quarantined + dropped
 * </pre>
 *
 * <p>{@link #start} opens the spool, recovers journals left by processes that did not stop cleanly, and
 * starts the threads; it never contacts Kafka. {@link #submit} never waits on Kafka and never throws.
 *
 * <p>{@link #stop} is a barrier, bounded by {@code shutdownTimeout} (or the framework's shorter timeout):
 * it closes the intake, lets the sender send what is buffered ({@code shutdownTimeout} 0: spool it at
 * once), closes the producers (which makes Kafka answer everything it holds), spools whatever is not
 * acknowledged, and closes the spool. When it returns, no appender thread touches the spool, the quarantine
 * or the journal again, and every accepted event is acked, on disk, quarantined or counted dropped; the
 * summary it reports checks that sum. Spooling what is left takes the time the local disk needs; an
 * appender thread stuck past the timeout in a user's encoder is left behind, and the events it holds are
 * reported as having no known fate.
 *
 * @param <E> the framework's event type
 */
public final class DeliveryEngine<E> {

    /** Thread names start with this, so adapters can keep events logged on them out of Kafka. */
    public static final String THREAD_PREFIX = "nodrop-";

    /** How long a thread that missed the deadline gets to finish local work before it is left behind. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final AppenderConfig config;
    private final EventCodec<E> codec;
    private final ProducerFactory producerFactory;
    private final StatusListener status;
    private final UndeliveredListener<E> undelivered;
    private final LongSupplier nanoClock;
    private final FileOps ops;
    private final String prefix;
    private final AppenderMetrics metrics;
    private final Fates<E> fates;
    private final Object lifecycle = new Object();

    private volatile Intake<E> intake;
    private volatile boolean running;
    private boolean used;
    private EventBuffer<Pending<E>> buffer;
    private Spool spool;
    private Quarantine quarantine;
    private Journal journal;
    private ProducerSlot liveProducer;
    private ProducerSlot replayProducer;
    private Sender<E> sender;
    private Spiller<E> spiller;
    private Replay replay;
    private Thread senderThread;
    private Thread spillerThread;
    private Thread replayThread;
    private ObjectName jmxName;

    public DeliveryEngine(
            AppenderConfig config,
            EventCodec<E> codec,
            ProducerFactory producerFactory,
            StatusListener status,
            UndeliveredListener<E> undelivered) {
        this(config, codec, producerFactory, status, undelivered, System::nanoTime, FileOps.DEFAULT);
    }

    DeliveryEngine(
            AppenderConfig config,
            EventCodec<E> codec,
            ProducerFactory producerFactory,
            StatusListener status,
            UndeliveredListener<E> undelivered,
            LongSupplier nanoClock,
            FileOps ops) {
        this.config = config;
        this.codec = codec;
        this.producerFactory = producerFactory == null ? ProducerFactory.DEFAULT : producerFactory;
        this.status = status;
        this.undelivered = undelivered;
        this.nanoClock = nanoClock;
        this.ops = ops;
        this.prefix = "appender '" + config.appenderName() + "': ";
        this.metrics = new AppenderMetrics(config.durable());
        this.fates = new Fates<>(metrics, undelivered, status, prefix, nanoClock);
    }

    /**
     * Opens the spool (and, in durable mode, the journal) and starts the threads; never contacts Kafka.
     * Throws {@link IllegalStateException} naming {@code fallbackDir} when the spool directory cannot be
     * created or written. A journal that cannot be made is reported and the engine runs in memory.
     */
    public void start() {
        synchronized (lifecycle) {
            if (running) {
                return;
            }
            if (used) {
                throw new IllegalStateException(prefix + "an engine runs once; make a new one to start again");
            }
            used = true;
            spool = new Spool(
                    config.fallbackDir(),
                    config.maxFallbackFileSize(),
                    config.maxFallbackTotalSize(),
                    config.topic(),
                    config.partition(),
                    ops);
            try {
                spool.open();
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException(
                        prefix + "fallbackDir '" + config.fallbackDir() + "' cannot be used: " + e.getMessage(), e);
            }
            quarantine = new Quarantine(spool.directory(), config, ops);
            journal = openJournals();
            buffer = new RingBuffer<>(config.bufferSize(), config.bufferBytes(), Pending::sizeOf);
            Fallback<E> fallback = new Fallback<>(codec, spool, quarantine, journal, fates, System::currentTimeMillis);
            long spillBytes = Math.max(1024, config.bufferBytes() / 2);
            EventBuffer<Pending<E>> spillQueue =
                    new RingBuffer<>(Math.max(1024, config.bufferSize() / 2), spillBytes, Pending::sizeOf);
            spiller = new Spiller<>(spillQueue, spillBytes, fallback, status, prefix, nanoClock);
            String spooling = "spooling events to " + spool.directory()
                    + (config.replayFallback() ? " and replaying them when it is back" : "");
            Availability kafka = new Availability(status, prefix, spooling);
            liveProducer = new ProducerSlot(
                    "live",
                    producerFactory,
                    config.producerConfig(),
                    status,
                    prefix,
                    nanoClock,
                    config.retryInterval());
            replayProducer = new ProducerSlot(
                    "replay",
                    producerFactory,
                    config.replayProducerConfig(),
                    status,
                    prefix,
                    nanoClock,
                    config.retryInterval());
            sender = new Sender<>(
                    config, buffer, journal, fallback, metrics, kafka, liveProducer, status, prefix, nanoClock);
            replay = new Replay(config, spool, quarantine, fates, kafka, replayProducer, status, prefix, nanoClock);
            Journal journaled = journal;
            metrics.gauges(
                    () -> buffer.size() + spillQueue.size(),
                    () -> buffer.bytes() + spillQueue.bytes(),
                    spool::usedBytes,
                    () -> journaled == null ? 0 : journaled.usedBytes(),
                    kafka::available);
            intake = new Intake<>(codec, buffer, spiller, config.overflow(), journal, fallback, fates, nanoClock);
            running = true;
            senderThread = thread("sender", sender);
            spillerThread = thread("spiller", spiller);
            replayThread = thread("replay", replay);
            senderThread.start();
            spillerThread.start();
            replayThread.start();
            registerMBean();
        }
    }

    private Journal openJournals() {
        try {
            JournalFiles.Opened opened = JournalFiles.open(
                    spool.directory(),
                    config.appenderName(),
                    config.journalSize() & ~7L,
                    config.topic(),
                    config.partition(),
                    spool,
                    config.maxFallbackFileSize(),
                    config.maxFallbackTotalSize(),
                    ops,
                    config.durable());
            metrics.recovered.add(opened.recovered);
            if (opened.recovered > 0) {
                status.info(prefix + "recovered " + opened.recovered + " events that an earlier run had accepted and"
                        + " Kafka had not acknowledged (the journal of a process that did not stop cleanly); they are"
                        + " in the spool and will be replayed");
            }
            for (String note : opened.notes) {
                status.error(prefix + note, null);
            }
            return opened.journal;
        } catch (IOException | RuntimeException e) {
            if (config.durable()) {
                status.error(
                        prefix + "durable mode is not available (" + e + "): the journal cannot be made in "
                                + spool.directory() + "; running in memory, so a killed process loses buffered events",
                        e);
            } else {
                status.warn(prefix + "journals left in " + spool.directory() + " cannot be recovered: " + e, e);
            }
            return null;
        }
    }

    /** Hands an event over; returns at once. Safe from any thread; never throws. */
    /** Counts an event the adapter kept out of Kafka ({@link RecursionGuard}): Kafka's own, or from our threads. */
    public void skipped() {
        metrics.skippedClientEvents.increment();
    }

    public void submit(E event) {
        Intake<E> current = intake;
        if (current != null) {
            current.submit(event);
        } else {
            fates.accepted();
            fates.dropped(event, DropReason.STOPPED, ": logged before the appender started", null);
        }
    }

    /** Stops within {@code shutdownTimeout}; see the class comment. Idempotent. */
    public void stop() {
        stop(Duration.ZERO);
    }

    /**
     * Stops within {@code shutdownTimeout}, or within {@code frameworkTimeout} when that is shorter and not
     * zero (Log4j2 passes its own stop timeout). Idempotent.
     */
    public void stop(Duration frameworkTimeout) {
        // The stop writes to the spool on this thread: an interrupt would make each FileChannel it touches
        // close itself (ClosedByInterruptException) and cost the events it holds. Set aside, given back.
        boolean interrupted = Thread.interrupted();
        try {
            stopNow(frameworkTimeout);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void stopNow(Duration frameworkTimeout) {
        synchronized (lifecycle) {
            if (!running) {
                return;
            }
            running = false;
            Duration timeout = config.shutdownTimeout();
            if (frameworkTimeout != null
                    && !frameworkTimeout.isZero()
                    && !frameworkTimeout.isNegative()
                    && frameworkTimeout.compareTo(timeout) < 0) {
                timeout = frameworkTimeout;
            }
            long start = nanoClock.getAsLong();
            long deadline = start + timeout.toNanos();
            intake.close(deadline + GRACE_NANOS);
            replay.stop(deadline);
            spiller.shutdown(); // local disk only: it writes what it holds, whatever the timeout
            sender.shutdown(timeout.isZero());
            join(senderThread, deadline);
            if (senderThread.isAlive()) {
                sender.shutdown(true); // out of time for Kafka: spool the rest
                join(senderThread, nanoClock.getAsLong() + GRACE_NANOS);
            }
            liveProducer.close(Duration.ofNanos(Math.max(0, deadline - nanoClock.getAsLong())));
            join(senderThread, nanoClock.getAsLong() + GRACE_NANOS); // a send() blocked on Kafka ends with the close
            sender.finish();
            join(spillerThread, nanoClock.getAsLong() + GRACE_NANOS);
            spiller.finish();
            join(replayThread, deadline);
            replayProducer.close(Duration.ZERO);
            join(replayThread, nanoClock.getAsLong() + GRACE_NANOS);
            reportStuck(senderThread);
            reportStuck(spillerThread);
            reportStuck(replayThread);
            spool.close();
            quarantine.close();
            if (journal != null) {
                journal.close();
            }
            unregisterMBean();
            long unaccounted = fates.check();
            String summary =
                    prefix + "stopped: " + metrics.summary() + "; waited up to " + timeout.toMillis() + " ms for Kafka";
            if (metrics.getDropped() > 0 || unaccounted != 0) {
                status.error(summary, null);
            } else if (metrics.getQuarantined() > 0 || metrics.getReplayQuarantined() > 0) {
                status.warn(
                        summary + "; quarantined records are in "
                                + quarantine.spool().directory(),
                        null);
            } else {
                status.info(summary);
            }
        }
    }

    private void reportStuck(Thread thread) {
        if (thread.isAlive()) {
            StackTraceElement[] stack = thread.getStackTrace();
            status.error(
                    prefix + "thread " + thread.getName() + " did not finish within shutdownTimeout and is left behind"
                            + (stack.length > 0 ? " (at " + stack[0] + ")" : ""),
                    null);
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

    private Thread thread(String role, Runnable body) {
        Thread thread = new Thread(body, THREAD_PREFIX + role + "-" + config.appenderName());
        thread.setDaemon(true);
        return thread;
    }

    private void join(Thread thread, long deadline) {
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
