package io.github.nodrop.examples;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Logs {@code events} sequence-numbered events from {@code threads} threads at a steady total
 * {@code rate} per second, the way a busy service would.
 */
public final class Workload {

    private final LoggingApp app;
    private final int events;
    private final int threads;
    private final int rate;
    private final AtomicInteger logged = new AtomicInteger();
    private final List<Thread> workers = new ArrayList<>();

    public Workload(LoggingApp app, int events, int threads, int rate) {
        this.app = app;
        this.events = events;
        this.threads = threads;
        this.rate = rate;
    }

    public void start() {
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) * threads / rate;
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread worker = new Thread(
                    () -> {
                        long next = start;
                        for (int seq = first; seq < events; seq += threads) {
                            app.log(seq, app.name() + "-req-" + (seq / 10));
                            logged.incrementAndGet();
                            next += intervalNanos;
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                LockSupport.parkNanos(wait);
                            }
                        }
                    },
                    app.name() + "-worker-" + t);
            worker.start();
            workers.add(worker);
        }
    }

    public int logged() {
        return logged.get();
    }

    public void join() throws InterruptedException {
        for (Thread worker : workers) {
            worker.join();
        }
    }

    /** Runs one app on its own: against the given cluster, or an embedded broker it starts and stops. */
    static void runStandalone(LoggingApp app, String[] args) throws Exception {
        ExampleOptions options = ExampleOptions.parse(args);
        if (options.help) {
            System.out.println("options: [--bootstrap-servers host:port] [--topic app-logs] [--events 20000]"
                    + " [--threads 4] [--rate 4000]   (KAFKA_BOOTSTRAP_SERVERS also works; without either,"
                    + " an embedded broker is started)");
            return;
        }
        EmbeddedKafkaBroker broker = options.embedded() ? EmbeddedKafkaBroker.start() : null;
        String bootstrap = broker != null ? broker.bootstrapServers() : options.bootstrapServers;
        Path fallback = Files.createTempDirectory(app.name() + "-fallback-");
        try {
            System.out.printf(
                    "%s: logging %d events to %s at %s%n", app.name(), options.events, options.topic, bootstrap);
            app.start(bootstrap, options.topic, fallback);
            Workload workload = new Workload(app, options.events, options.threads, options.rate);
            long start = System.nanoTime();
            workload.start();
            workload.join();
            app.stop();
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "%s: %d events in %.1f s; %s%n",
                    app.name(), options.events, seconds, app.metrics().summary());
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }
}
