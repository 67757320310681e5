package io.github.nodrop.transformer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * {@code --metrics-port}: an HTTP endpoint on the JDK's own server, {@code /metrics} in the Prometheus text
 * format (Micrometer's Prometheus registry: the transformer's counters and lag, and the Kafka clients' own
 * metrics) and {@code /health} (200 {@code UP} while the transformer runs, 503 with the reason otherwise).
 * Every meter is tagged {@code group}. It binds when the transformer starts, before any client exists, so a
 * port in use stops the start with a message naming the flag.
 */
final class MetricsEndpoint implements AutoCloseable {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Tags tags;
    private final HttpServer server;
    private final ExecutorService handlers;
    private final ScheduledExecutorService refresh;
    private final List<KafkaClientMetrics> clients = new ArrayList<>();

    private MetricsEndpoint(TransformerConfig config, TransformerMetrics metrics, Supplier<String> problem)
            throws IOException {
        tags = Tags.of("group", config.groupId);
        counter("nodrop.transformer.consumed", "records read from the input", metrics, m -> m.getConsumed());
        counter("nodrop.transformer.produced", "records written to the output", metrics, m -> m.getProduced());
        counter(
                "nodrop.transformer.dead.lettered",
                "records sent to the dead-letter topic",
                metrics,
                m -> m.getDeadLettered());
        counter(
                "nodrop.transformer.skipped",
                "records neither the output nor the dead-letter topic took",
                metrics,
                m -> m.getSkipped());
        gauge("nodrop.transformer.lag", "records still to read on the assigned partitions", metrics, m -> m.getLag());
        gauge("nodrop.transformer.queued", "records in the transformer's queues", metrics, m -> m.getQueueDepth());
        gauge("nodrop.transformer.in.flight", "records sent, not yet acknowledged", metrics, m -> m.getInFlight());
        refresh = Executors.newSingleThreadScheduledExecutor(daemon("nodrop-transformer-metrics-refresh"));
        handlers = Executors.newSingleThreadExecutor(daemon("nodrop-transformer-metrics-http"));
        server = HttpServer.create(new InetSocketAddress(config.metricsAddress, config.metricsPort), 16);
        server.setExecutor(handlers);
        server.createContext("/metrics", exchange -> respond(exchange, 200, registry.scrape()));
        server.createContext("/health", exchange -> {
            String why = problem.get();
            respond(exchange, why == null ? 200 : 503, why == null ? "UP\n" : "DOWN: " + why + "\n");
        });
        server.start();
    }

    /**
     * Binds the endpoint; {@code problem} says why the transformer is not healthy, or null when it is.
     * Throws {@link IllegalArgumentException} naming the flag when the address cannot be bound.
     */
    static MetricsEndpoint start(TransformerConfig config, TransformerMetrics metrics, Supplier<String> problem) {
        try {
            return new MetricsEndpoint(config, metrics, problem);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "--metrics-port " + config.metricsPort + " on " + config.metricsAddress + " cannot be used: " + e,
                    e);
        }
    }

    /** Adds the Kafka clients' own metrics (fetch and send rates, request latencies...), tagged like the rest. */
    void bind(Consumer<?, ?> consumer, Producer<?, ?> producer) {
        KafkaClientMetrics forConsumer = new KafkaClientMetrics(consumer, tags, refresh);
        KafkaClientMetrics forProducer = new KafkaClientMetrics(producer, tags, refresh);
        forConsumer.bindTo(registry);
        forProducer.bindTo(registry);
        clients.add(forConsumer);
        clients.add(forProducer);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        clients.forEach(KafkaClientMetrics::close);
        refresh.shutdownNow();
        registry.close();
    }

    private void counter(
            String name, String description, TransformerMetrics metrics, ToDoubleFunction<TransformerMetrics> f) {
        FunctionCounter.builder(name, metrics, f)
                .description(description)
                .tags(tags)
                .register(registry);
    }

    private void gauge(
            String name, String description, TransformerMetrics metrics, ToDoubleFunction<TransformerMetrics> f) {
        Gauge.builder(name, metrics, f).description(description).tags(tags).register(registry);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
