package io.github.nodrop.benchmarks;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.logback.KafkaAppender;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import net.logstash.logback.appender.LoggingEventAsyncDisruptorAppender;
import net.logstash.logback.appender.listener.AppenderListener;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One contender in a JVM of its own, started by {@link LogbackComparison}: logs the events from the
 * requested number of threads, timing every call, then reports on standard output and waits for the
 * harness to say {@code stop} (once it has counted the delivered events), then stops the contender and
 * reports memory and CPU.
 *
 * <p>Arguments: {@code contender events threads capSeconds}; {@code -Dbench.bootstrap} and
 * {@code -Dbench.topic} name the broker and topic (the contender's Logback file uses them too); {@code
 * -Dbench.rate} paces the threads to that many events per second in all. The harness may send {@code
 * outage-start} and {@code outage-end} while it has the broker stopped: calls started in between are also
 * recorded apart.
 *
 * <p>With {@code -Dbench.progress=FILE} (the kill scenario) each thread records in that {@link
 * ProgressFile} the sequence number of every call that returned, and the threads log until the JVM is
 * killed: on {@code snapshot} it reports its figures so far, as the harness cannot ask a killed JVM.
 */
public final class ContenderRun {

    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

    /**
     * A thread that logs on and has not returned from a call for this long is blocked in it: far more than
     * the pause between two paced calls (0.4 ms at 10,000 events/s from 4 threads).
     */
    private static final long BLOCKED_WHILE_LOGGING_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Set at the time cap: workers make no further calls. */
    private static volatile boolean capped;

    /** Set while the harness has the broker stopped: calls are timed apart. */
    private static volatile boolean outage;

    /** Events per second per thread, or 0 for as fast as the thread can call. */
    private static double ratePerThread;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    private ContenderRun() {}

    public static void main(String[] args) throws Exception {
        Contender contender = Contender.byId(args[0]);
        int events = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long capNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        ProcessStats stats = ProcessStats.start();
        ratePerThread = Double.parseDouble(System.getProperty("bench.rate", "0")) / threads;
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch snapshot = new CountDownLatch(1);
        Thread commands = new Thread(() -> readCommands(stop, snapshot), "bench-commands");
        commands.setDaemon(true);
        commands.start();

        Producer<byte[], byte[]> producer = null;
        Consumer<String> call;
        if (contender == Contender.KAFKA_PRODUCER) {
            LoggerFactory.getILoggerFactory(); // Kafka's own logging configured before the clock starts
            producer = rawProducer();
            String topic = System.getProperty("bench.topic");
            Producer<byte[], byte[]> p = producer;
            call = message -> p.send(new ProducerRecord<>(topic, message.getBytes(StandardCharsets.US_ASCII)));
        } else {
            Logger logger = LoggerFactory.getLogger("app.Checkout");
            call = logger::info;
        }
        LongAdder asyncDropped = countAsyncDrops();
        String progressFile = System.getProperty("bench.progress");
        ProgressFile progress = progressFile == null ? null : ProgressFile.open(Path.of(progressFile), threads);
        report("ready", Map.of());

        Worker[] workers = new Worker[threads];
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int from = (int) ((long) events * t / threads);
            int to = (int) ((long) events * (t + 1) / threads);
            workers[t] = new Worker(call, from, to, go, progress, t);
            workers[t].setName("app-" + t);
            workers[t].setDaemon(true);
            workers[t].start();
        }
        go.countDown();
        if (progress != null) {
            snapshot.await();
            report("logged", logged(workers, true));
            Map<String, String> soFar = new LinkedHashMap<>(nodropCounters(nodropAppender(), "before"));
            soFar.putAll(asyncDrops(asyncDropped));
            soFar.putAll(stats.snapshot());
            report("done", soFar);
            stop.await(); // the harness kills this JVM; if it says stop instead, end as abruptly
            Runtime.getRuntime().halt(1);
        }
        long capDeadline = System.nanoTime() + capNanos;
        for (Worker worker : workers) {
            TimeUnit.NANOSECONDS.timedJoin(worker, Math.max(1, capDeadline - System.nanoTime()));
        }
        capped = true;
        report("logged", logged(workers, false));

        stop.await(); // the harness says stop once it has counted what arrived
        KafkaAppender nodrop = nodropAppender();
        Map<String, String> done = new LinkedHashMap<>(nodropCounters(nodrop, "before"));
        long stopStart = System.nanoTime();
        boolean stopped = stop(producer);
        done.put("stopMillis", String.valueOf(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStart)));
        done.put("stopped", String.valueOf(stopped));
        done.putAll(nodropCounters(nodrop, "after"));
        done.putAll(asyncDrops(asyncDropped));
        done.putAll(stats.finish());
        report("done", done);
        System.out.flush();
        boolean stuck = false;
        for (Worker worker : workers) {
            stuck |= worker.isAlive();
        }
        if (stuck) {
            Runtime.getRuntime().halt(0); // a contender thread is stuck inside a send(); do not wait for it
        }
        System.exit(0);
    }

    /** The harness's commands on standard input: outage-start, outage-end, snapshot, stop. */
    private static void readCommands(CountDownLatch stop, CountDownLatch snapshot) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "outage-start" -> outage = true;
                    case "outage-end" -> outage = false;
                    case "snapshot" -> snapshot.countDown();
                    case "stop" -> stop.countDown();
                    default -> {}
                }
            }
        } catch (java.io.IOException e) {
            // the harness is gone
        }
        stop.countDown();
    }

    private static Producer<byte[], byte[]> rawProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, System.getProperty("bench.bootstrap"));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    /** Stops the contender on a helper thread, so a contender stuck in Kafka cannot hold the run forever. */
    private static boolean stop(Producer<byte[], byte[]> producer) throws InterruptedException {
        Thread stopper = new Thread(() -> {
            if (producer != null) {
                producer.close();
            }
            ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
        });
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(TimeUnit.SECONDS.toMillis(30));
        return !stopper.isAlive();
    }

    /**
     * The caller-side figures. {@code stillLogging}: the kill scenario's snapshot, taken while the threads
     * log on, so a thread that is alive is stuck in a call only if it has not returned for a while.
     */
    private static Map<String, String> logged(Worker[] workers, boolean stillLogging) {
        Histogram all = new Histogram(HIGHEST_NANOS, 3);
        Histogram inOutage = new Histogram(HIGHEST_NANOS, 3);
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        long firstCall = 0;
        long completed = 0;
        long now = System.nanoTime();
        long stuck = 0;
        long callBytes = 0;
        for (Worker worker : workers) {
            all.add(worker.latencies.copy());
            inOutage.add(worker.outageLatencies.copy());
            start = Math.min(start, worker.firstStart);
            end = Math.max(end, worker.lastEnd);
            completed += worker.completed;
            callBytes += worker.callBytes;
            if (worker.isAlive() && worker.firstStart != Long.MAX_VALUE) {
                // a call that has not returned at the cap: its time so far is a lower bound
                long callStart = worker.completed == 0 ? worker.firstStart : worker.lastEnd;
                if (!stillLogging || now - callStart > BLOCKED_WHILE_LOGGING_NANOS) {
                    stuck = Math.max(stuck, now - callStart);
                }
            }
            firstCall = Math.max(
                    firstCall,
                    worker.completed == 0 && worker.firstStart != Long.MAX_VALUE
                            ? now - worker.firstStart
                            : worker.firstCallNanos);
        }
        Map<String, String> figures = new LinkedHashMap<>();
        figures.put("startNanos", String.valueOf(start));
        figures.put("endNanos", String.valueOf(stuck > 0 ? now : end));
        figures.put("completed", String.valueOf(completed));
        figures.put("callBytes", String.valueOf(callBytes));
        StringBuilder ranges = new StringBuilder();
        for (Worker worker : workers) {
            ranges.append(ranges.length() == 0 ? "" : ",")
                    .append(worker.from)
                    .append('+')
                    .append(worker.completed);
        }
        figures.put("returned", ranges.toString());
        figures.put("p50", String.valueOf(all.getValueAtPercentile(50)));
        figures.put("p99", String.valueOf(all.getValueAtPercentile(99)));
        figures.put("p999", String.valueOf(all.getValueAtPercentile(99.9)));
        figures.put("max", String.valueOf(Math.max(all.getMaxValue(), stuck)));
        figures.put("stuck", String.valueOf(stuck));
        figures.put("loggedNanos", String.valueOf(now));
        figures.put("mean", String.valueOf((long) all.getMean()));
        figures.put("firstCall", String.valueOf(firstCall));
        figures.put("outageCalls", String.valueOf(inOutage.getTotalCount()));
        figures.put("outageP999", String.valueOf(inOutage.getValueAtPercentile(99.9)));
        figures.put("outageMax", String.valueOf(Math.max(inOutage.getMaxValue(), stuck)));
        return figures;
    }

    /** nodrop's appender, looked up while Logback still has it attached, or {@code null}. */
    private static KafkaAppender nodropAppender() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.core.Appender<?> appender =
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("KAFKA");
        return appender instanceof KafkaAppender nodrop ? nodrop : null;
    }

    private static Map<String, String> nodropCounters(KafkaAppender nodrop, String when) {
        Map<String, String> counters = new LinkedHashMap<>();
        if (nodrop != null && nodrop.getMetrics() != null) {
            AppenderMetrics metrics = nodrop.getMetrics();
            counters.put(when + ".accepted", String.valueOf(metrics.getAccepted()));
            counters.put(when + ".acked", String.valueOf(metrics.getAcked()));
            counters.put(when + ".spooledOverflow", String.valueOf(metrics.getSpooledOverflow()));
            counters.put(when + ".spooledFailed", String.valueOf(metrics.getSpooledFailed()));
            counters.put(when + ".spooledShutdown", String.valueOf(metrics.getSpooledShutdown()));
            counters.put(when + ".replayed", String.valueOf(metrics.getReplayed()));
            counters.put(when + ".dropped", String.valueOf(metrics.getDropped()));
            counters.put(when + ".quarantined", String.valueOf(metrics.getQuarantined()));
            counters.put(when + ".recovered", String.valueOf(metrics.getRecovered()));
            counters.put(when + ".pending", String.valueOf(metrics.getPending()));
        }
        return counters;
    }

    /**
     * logstash-logback-encoder's asynchronous appender drops an event that finds its ring buffer full and
     * only says so in a status warning; a listener counts them. {@code null} for the other contenders.
     */
    private static LongAdder countAsyncDrops() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.core.Appender<ILoggingEvent> appender =
                context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC");
        if (!(appender instanceof LoggingEventAsyncDisruptorAppender async)) {
            return null;
        }
        LongAdder dropped = new LongAdder();
        async.addListener(new AppenderListener<>() {
            @Override
            public void eventAppendFailed(
                    ch.qos.logback.core.Appender<ILoggingEvent> from, ILoggingEvent event, Throwable reason) {
                dropped.increment();
            }
        });
        return dropped;
    }

    private static Map<String, String> asyncDrops(LongAdder dropped) {
        return dropped == null ? Map.of() : Map.of("asyncDropped", String.valueOf(dropped.sum()));
    }

    /** One line the harness parses: {@code BENCH phase key=value ...}. */
    private static synchronized void report(String phase, Map<String, String> figures) {
        StringBuilder line = new StringBuilder("BENCH ").append(phase);
        figures.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        System.out.println(line);
        System.out.flush();
    }

    /** One logging thread: its share of the sequence numbers, each call timed. */
    private static final class Worker extends Thread {
        private final Consumer<String> call;
        private final int from;
        private final int to;
        private final CountDownLatch go;
        private final ProgressFile progress;
        private final int slot;
        final Histogram latencies = new Histogram(HIGHEST_NANOS, 3);
        final Histogram outageLatencies = new Histogram(HIGHEST_NANOS, 3);
        volatile long firstStart = Long.MAX_VALUE;
        volatile long lastEnd = Long.MIN_VALUE;
        volatile long firstCallNanos;
        volatile long completed;
        /** Bytes this thread allocated inside its logging calls (the message is built before). */
        volatile long callBytes;

        Worker(Consumer<String> call, int from, int to, CountDownLatch go, ProgressFile progress, int slot) {
            this.call = call;
            this.from = from;
            this.to = to;
            this.go = go;
            this.progress = progress;
            this.slot = slot;
        }

        @Override
        public void run() {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long periodNanos = ratePerThread > 0 ? (long) (1e9 / ratePerThread) : 0;
            long paceStart = System.nanoTime();
            for (int seq = from; seq < to && !capped; seq++) {
                String message = Messages.message(seq);
                if (periodNanos > 0) {
                    long wait = paceStart + (seq - from) * periodNanos - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
                boolean duringOutage = outage;
                long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                if (seq == from) {
                    firstStart = start;
                }
                call.accept(message);
                long end = System.nanoTime();
                callBytes += THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore; // outside the timing
                long took = end - start;
                latencies.recordValue(Math.min(took, HIGHEST_NANOS));
                if (duringOutage) {
                    outageLatencies.recordValue(Math.min(took, HIGHEST_NANOS));
                }
                if (seq == from) {
                    firstCallNanos = took;
                }
                completed = seq - from + 1;
                lastEnd = end;
                if (progress != null) {
                    progress.returned(slot, seq); // after the call returned, outside the timed part
                }
            }
        }
    }
}
