package io.github.nodrop.transformer;

import io.github.nodrop.enrich.JsonEnricher;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;

/**
 * Consumes JSON log events, adds {@code "hash"} (see {@link JsonEnricher}) and produces them to the output
 * topic; anything that is not a JSON object, or that the output topic does not take, goes to the
 * dead-letter topic with headers saying why and where it came from.
 *
 * <p>This class is the lifecycle: it makes the clients, reads the output topics' limits, runs {@link
 * AtLeastOnceLoop} (with the mode's {@link Dispatcher}) or {@link ExactlyOnceLoop} on the calling thread,
 * and closes everything within the shutdown timeout. {@link #close()} from another thread (a signal's
 * shutdown hook) makes the loop drain, commit and return.
 *
 * <pre>{@code
 * try (Transformer t = TransformerConfig.builder()
 *         .bootstrapServers("127.0.0.1:9092").input("app-logs").output("app-logs-enriched")
 *         .create()) {
 *     t.start();
 *     ...
 * }
 * }</pre>
 */
public final class Transformer implements AutoCloseable {

    private final TransformerConfig config;
    private final PrintStream status;
    private final Clients clients;
    private final DeliveryTracker tracker = new DeliveryTracker();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final TransformerMetrics metrics;
    private volatile boolean closing;
    private volatile Throwable fatal;
    private volatile Thread runner;
    private volatile Consumer<byte[], byte[]> consumer;
    private volatile java.util.function.IntSupplier depth = () -> 0;
    private ObjectName jmxName;
    private volatile MetricsEndpoint endpoint;

    public Transformer(TransformerConfig config) {
        this(config, System.err, Clients.KAFKA);
    }

    Transformer(TransformerConfig config, PrintStream status) {
        this(config, status, Clients.KAFKA);
    }

    Transformer(TransformerConfig config, PrintStream status, Clients clients) {
        this.config = config;
        this.status = status;
        this.clients = clients;
        this.metrics = new TransformerMetrics(() -> depth.getAsInt(), tracker::inFlight);
    }

    public TransformerConfig config() {
        return config;
    }

    public TransformerMetrics metrics() {
        return metrics;
    }

    /** Runs on a background thread until {@link #close()}. */
    public synchronized void start() {
        if (runner != null) {
            return;
        }
        Thread thread = new Thread(this::runQuietly, "nodrop-transformer");
        thread.setDaemon(true);
        runner = thread;
        thread.start();
    }

    /**
     * Runs on the calling thread until {@link #close()} is called from another thread, then drains and
     * commits. Throws {@link KafkaException} when the transformer cannot go on (credentials, a fenced
     * producer, say), after committing what was delivered.
     */
    public void run() {
        if (runner == null) {
            runner = Thread.currentThread();
        }
        org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer = null;
        Thread stats = null;
        try {
            registerMBean();
            if (config.metricsPort >= 0) {
                endpoint = MetricsEndpoint.start(config, metrics, this::unhealthy);
                status.println("nodrop-transformer: metrics at http://" + config.metricsAddress + ":" + endpoint.port()
                        + "/metrics, health at /health");
            }
            OutputLimits limits = OutputLimits.read(config, clients, status, () -> closing);
            if (closing) {
                return;
            }
            if (config.guarantee == Guarantee.EXACTLY_ONCE && !limits.known) {
                // a transactional producer cannot split a refused batch: without the limits a record the output
                // refuses aborts transaction after transaction; better a clear refusal than a stall
                throw new KafkaException("exactly-once needs the max.message.bytes of " + config.output + " and "
                        + config.dlq + " (the DescribeConfigs right on both topics), so that a record they refuse goes"
                        + " to the dead-letter topic before it is sent: grant it, or run --guarantee at-least-once");
            }
            consumer = clients.consumer(config.consumerProperties);
            producer = clients.producer(limits.withBatchesThatFit(config.producerProperties, config.guarantee));
            if (endpoint != null) {
                endpoint.bind(consumer, producer);
            }
            Enrichment enrichment = new Enrichment(config, limits);
            stats = statsThread();
            if (closing) {
                return;
            }
            if (config.guarantee == Guarantee.EXACTLY_ONCE) {
                ExactlyOnceLoop loop = new ExactlyOnceLoop(
                        config,
                        consumer,
                        producer,
                        enrichment,
                        metrics,
                        status,
                        () -> closing || fatal != null,
                        this::fail);
                depth = loop::inTransaction;
                loop.run();
            } else {
                Output output = new Output(producer, tracker, enrichment, config, metrics, status, this::fail);
                Dispatcher dispatcher = Dispatcher.of(
                        config.mode, new Stages(config, tracker, enrichment, output, () -> fatal != null, this::fail));
                AtLeastOnceLoop loop = new AtLeastOnceLoop(
                        config,
                        consumer,
                        dispatcher,
                        tracker,
                        output,
                        metrics,
                        status,
                        () -> closing,
                        () -> fatal != null);
                depth = loop::backlog;
                loop.run();
            }
        } catch (RuntimeException e) {
            fail(e);
        } finally {
            if (stats != null) {
                stats.interrupt();
            }
            closeClients(producer);
            if (endpoint != null) {
                endpoint.close();
            }
            unregisterMBean();
            status.println("nodrop-transformer: stopped: consumed " + metrics.getConsumed() + ", produced "
                    + metrics.getProduced() + ", dead-lettered " + metrics.getDeadLettered() + ", skipped "
                    + metrics.getSkipped() + (fatal == null ? "" : "; failed: " + fatal));
            finished.countDown();
        }
        if (fatal != null) {
            throw fatal instanceof KafkaException
                    ? (KafkaException) fatal
                    : new KafkaException("transformer stopped: " + fatal, fatal);
        }
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            // reported in the stopped line
        }
    }

    /** Stops polling, drains, commits what was delivered, and closes; returns within the shutdown timeout. */
    @Override
    public void close() {
        closing = true;
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (runner != null && runner != Thread.currentThread()) {
            try {
                finished.await(config.shutdownTimeout.toMillis() + 25_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The metrics endpoint's port once it listens, or -1 (none configured, or not started yet). */
    public int metricsPort() {
        MetricsEndpoint current = endpoint;
        return current == null ? -1 : current.port();
    }

    /** Why the transformer is not healthy, or null while it runs. */
    private String unhealthy() {
        if (fatal != null) {
            return "stopped by an error: " + fatal;
        }
        if (closing) {
            return "stopping";
        }
        return finished.getCount() == 0 ? "stopped" : null;
    }

    /** Whether the transformer ended because of an error it could not get past. */
    public Throwable failure() {
        return fatal;
    }

    private void fail(Throwable error) {
        if (fatal == null) {
            fatal = error;
            status.println("nodrop-transformer: cannot go on: " + error);
            Consumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
        }
    }

    private void closeClients(org.apache.kafka.clients.producer.Producer<byte[], byte[]> producer) {
        Duration timeout = Duration.ofSeconds(5);
        if (producer != null) {
            try {
                producer.close(fatal == null ? timeout : Duration.ZERO);
            } catch (RuntimeException e) {
                status.println("nodrop-transformer: closing the producer failed: " + e);
            }
        }
        Consumer<byte[], byte[]> c = consumer;
        if (c != null) {
            try {
                c.close(timeout);
            } catch (RuntimeException e) {
                status.println("nodrop-transformer: closing the consumer failed: " + e);
            }
        }
    }

    private Thread statsThread() {
        if (config.statsInterval.isZero()) {
            return null;
        }
        Thread thread = new Thread(new StatsLine(metrics, config.statsInterval, status), "nodrop-transformer-stats");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void registerMBean() {
        try {
            javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            String base = "io.github.nodrop:type=Transformer,name=" + ObjectName.quote(config.groupId);
            ObjectName name = new ObjectName(base);
            for (int i = 2; server.isRegistered(name); i++) {
                name = new ObjectName(base + ",instance=" + i);
            }
            server.registerMBean(metrics, name);
            jmxName = name;
        } catch (javax.management.JMException | RuntimeException e) {
            status.println("nodrop-transformer: counters not exposed over JMX: " + e);
        }
    }

    private void unregisterMBean() {
        if (jmxName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(jmxName);
            } catch (javax.management.JMException | RuntimeException e) {
                // already gone
            }
        }
    }
}
