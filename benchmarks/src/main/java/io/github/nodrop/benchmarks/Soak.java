package io.github.nodrop.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import io.github.nodrop.core.AppenderMetrics;
import io.github.nodrop.logback.KafkaAppender;
import io.github.nodrop.testkit.ForkedKafkaBroker;
import io.github.nodrop.transformer.Mode;
import io.github.nodrop.transformer.Transformer;
import io.github.nodrop.transformer.TransformerConfig;
import io.github.nodrop.transformer.TransformerMetrics;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.LoggerFactory;

/**
 * Minutes of steady logging (or transforming) while the broker is stopped and restarted every 30-60 s:
 * counts what was logged, delivered, spooled, replayed, missing and duplicated, follows the live heap,
 * and writes {@code results/<date>-<host>-soak.md}.
 *
 * <p>The broker runs in a child JVM ({@link ForkedKafkaBroker}) so the heap figures are the
 * application's alone. Options: {@code --minutes N} (10), {@code --rate N} events/s (2000), {@code --part
 * appender|transformer|both} (both), {@code --seed N}, {@code --no-outages} (the same load, broker up).
 */
public final class Soak {

    private final Duration duration;
    private final int rate;
    private final Random random;
    private boolean flapping = true;
    private final StringBuilder report = new StringBuilder();

    private Soak(Duration duration, int rate, long seed) {
        this.duration = duration;
        this.rate = rate;
        this.random = new Random(seed);
    }

    public static void main(String[] args) throws Exception {
        int minutes = 10;
        int rate = 2000;
        String part = "both";
        long seed = 1;
        boolean noOutages = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--minutes":
                    minutes = Integer.parseInt(args[++i]);
                    break;
                case "--rate":
                    rate = Integer.parseInt(args[++i]);
                    break;
                case "--part":
                    part = args[++i];
                    break;
                case "--seed":
                    seed = Long.parseLong(args[++i]);
                    break;
                case "--no-outages":
                    noOutages = true;
                    break;
                default:
                    System.err.println("usage: Soak [--minutes N] [--rate N] [--part appender|transformer|both]"
                            + " [--seed N] [--no-outages]; unknown option " + args[i]);
                    System.exit(2);
            }
        }
        ((LoggerContext) LoggerFactory.getILoggerFactory())
                .getLogger("org.apache.kafka")
                .setLevel(Level.ERROR);
        Soak soak = new Soak(Duration.ofMinutes(minutes), rate, seed);
        soak.flapping = !noOutages;
        soak.report
                .append("# Soak: ")
                .append(minutes)
                .append(" minutes per part, broker stopped every 30-60 s\n\n")
                .append("Command: `")
                .append(System.getProperty("bench.command", "Soak " + String.join(" ", args)))
                .append("`  \nJVM: ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.version"))
                .append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, max heap ")
                .append(Runtime.getRuntime().maxMemory() >> 20)
                .append(" MB; broker: Kafka 4.4.0 in a child JVM on 127.0.0.1; seed ")
                .append(seed)
                .append("\n\n");
        boolean ok = true;
        if (!part.equals("transformer")) {
            ok &= soak.appender();
        }
        if (!part.equals("appender")) {
            ok &= soak.transformer();
        }
        Path out = Path.of("results", LocalDate.now() + "-" + LogbackComparison.hostname() + "-soak.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, soak.report.toString());
        System.out.println(soak.report);
        System.out.println("written to " + out.toAbsolutePath());
        System.exit(ok ? 0 : 1);
    }

    // ---------------------------------------------------------------- appender

    private boolean appender() throws Exception {
        Path spool = Files.createTempDirectory("nodrop-soak-spool-");
        String topic = "soak-logs";
        try (ForkedKafkaBroker broker = ForkedKafkaBroker.start()) {
            broker.createTopic(topic, 1);
            LoggerContext context = new LoggerContext();
            context.setName("soak");
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%msg");
            encoder.start();
            KafkaAppender appender = new KafkaAppender();
            appender.setContext(context);
            appender.setName("KAFKA");
            appender.setBootstrapServers(broker.bootstrapServers());
            appender.setTopic(topic);
            appender.setFallbackDir(spool.toString());
            appender.setEncoder(encoder);
            appender.start();
            Logger logger = context.getLogger("soak");
            logger.setAdditive(false);
            logger.addAppender(appender);
            AppenderMetrics metrics = appender.getMetrics();

            HeapTrend heap = new HeapTrend();
            Flapper flapper = new Flapper(broker);
            Histogram calls = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            System.out.println("appender soak: " + duration.toMinutes() + " min at " + rate + " events/s");
            flapper.start();
            heap.start();
            long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            int logged = 0;
            while (System.nanoTime() < end) {
                long due = start + logged * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                String message = Messages.message(logged);
                long t0 = System.nanoTime();
                logger.info(message);
                calls.recordValue(Math.min(System.nanoTime() - t0, calls.getHighestTrackableValue()));
                logged++;
                if (logged % (rate * 60) == 0) {
                    System.out.println(progress(logged, metrics, flapper));
                }
            }
            flapper.stop();
            heap.stop();
            int total = logged;
            boolean drained = waitFor(
                    Duration.ofMinutes(5),
                    () -> metrics.getAcked() + metrics.getSpooled() + metrics.getDropped() >= total
                            && metrics.getReplayed() >= metrics.getSpooled()
                            && io.github.nodrop.core.SpoolDump.records(spool).isEmpty());
            context.stop();
            Count count = count(broker, topic, Messages::sequence, total);
            report.append("## Appender (Logback, nodrop `KafkaAppender` with its defaults)\n\n")
                    .append("Logging ")
                    .append(rate)
                    .append(" events/s of 100 bytes from one thread for ")
                    .append(duration.toMinutes())
                    .append(" min; ")
                    .append(flapper.summary())
                    .append("\n\n| figure | value |\n|---|---|\n");
            row("events logged", total);
            row("acknowledged by Kafka on first send", metrics.getAcked());
            row(
                    "spooled (buffer full / send failed / at stop)",
                    metrics.getSpooled() + " (" + metrics.getSpooledOverflow() + " / " + metrics.getSpooledFailed()
                            + " / " + metrics.getSpooledShutdown() + ")");
            row("replayed from the spool", metrics.getReplayed());
            row("dropped", metrics.getDropped());
            row("distinct events in the topic", count.distinct);
            row("**missing**", "**" + (total - count.distinct) + "**");
            row("duplicates", count.records - count.distinct);
            row(
                    "caller p50 / p99 / p99.9 / max µs",
                    micros(calls.getValueAtPercentile(50)) + " / " + micros(calls.getValueAtPercentile(99)) + " / "
                            + micros(calls.getValueAtPercentile(99.9)) + " / " + micros(calls.getMaxValue()));
            heap.rows(this);
            row("spool drained after the run", drained ? "yes" : "no, within 5 min");
            report.append('\n');
            return total == count.distinct && drained;
        } finally {
            deleteTree(spool);
        }
    }

    private static String progress(int logged, AppenderMetrics metrics, Flapper flapper) {
        return String.format(
                Locale.ROOT,
                "  %,d logged, %,d acked, %,d spooled, %,d replayed, %d outages",
                logged,
                metrics.getAcked(),
                metrics.getSpooled(),
                metrics.getReplayed(),
                flapper.outages.size());
    }

    // ------------------------------------------------------------- transformer

    private boolean transformer() throws Exception {
        String input = "soak-input";
        String output = "soak-output";
        try (ForkedKafkaBroker broker = ForkedKafkaBroker.start()) {
            broker.createTopic(input, 4);
            broker.createTopic(output, 4);
            broker.createTopic(input + ".dlq", 1);
            Transformer transformer = TransformerConfig.builder()
                    .bootstrapServers(broker.bootstrapServers())
                    .input(input)
                    .output(output)
                    .groupId("soak")
                    .mode(Mode.PIPELINE)
                    .statsInterval(Duration.ZERO)
                    .create();
            transformer.start();
            TransformerMetrics metrics = transformer.metrics();

            HeapTrend heap = new HeapTrend();
            Flapper flapper = new Flapper(broker);
            List<long[]> lag = new ArrayList<>(); // {nanoTime, lag}
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread lagSampler = new Thread(
                    () -> {
                        while (sampling.get()) {
                            synchronized (lag) {
                                lag.add(new long[] {System.nanoTime(), metrics.getLag()});
                            }
                            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
                        }
                    },
                    "soak-lag");
            System.out.println("transformer soak: " + duration.toMinutes() + " min at " + rate + " records/s");
            Properties props = broker.clientProperties();
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            ConcurrentLinkedQueue<Integer> resend = new ConcurrentLinkedQueue<>();
            int produced = 0;
            flapper.start();
            heap.start();
            lagSampler.start();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
                long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
                long start = System.nanoTime();
                long end = start + duration.toNanos();
                while (System.nanoTime() < end) {
                    long wait = start + produced * periodNanos - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    Integer again = resend.poll();
                    send(producer, again != null ? again : produced++, resend);
                    if (produced % (rate * 60) == 0 && again == null) {
                        System.out.printf(
                                Locale.ROOT,
                                "  %,d produced, %,d transformed, lag %,d, %d outages%n",
                                produced,
                                metrics.getProduced(),
                                metrics.getLag(),
                                flapper.outages.size());
                    }
                }
                flapper.stop();
                producer.flush();
                while (!resend.isEmpty()) {
                    send(producer, resend.poll(), resend);
                    producer.flush();
                }
            }
            heap.stop();
            int total = produced;
            boolean caughtUp =
                    waitFor(Duration.ofMinutes(5), () -> metrics.getProduced() >= total && metrics.getLag() == 0);
            sampling.set(false);
            lagSampler.join();
            transformer.close();
            Count count = count(broker, output, Soak::jsonSequence, total);
            long maxLag;
            synchronized (lag) {
                maxLag = lag.stream().mapToLong(s -> s[1]).max().orElse(0);
            }
            report.append("## Transformer (pipeline mode, at-least-once, 4 partitions)\n\n")
                    .append("Producing ")
                    .append(rate)
                    .append(" JSON records/s for ")
                    .append(duration.toMinutes())
                    .append(" min; ")
                    .append(flapper.summary())
                    .append("\n\n| figure | value |\n|---|---|\n");
            row("records produced to the input", total);
            row("records written to the output (counting re-sends)", metrics.getProduced());
            row("dead-lettered / skipped", metrics.getDeadLettered() + " / " + metrics.getSkipped());
            row("distinct records in the output", count.distinct);
            row("**missing**", "**" + (total - count.distinct) + "**");
            row("duplicates (at-least-once re-delivery after a failed send)", count.records - count.distinct);
            row("largest lag", maxLag);
            row("lag back to 0 after the run", caughtUp ? "yes" : "no, within 5 min");
            row("seconds from each restart until lag was under 1 s of input", recoveries(lag, flapper));
            heap.rows(this);
            report.append('\n');
            return total == count.distinct && caughtUp;
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, int seq, ConcurrentLinkedQueue<Integer> resend) {
        byte[] value = ("{\"@timestamp\":\"2026-12-02T10:00:00Z\",\"level\":\"INFO\",\"seq\":" + seq
                        + ",\"message\":\"order placed\"}")
                .getBytes(StandardCharsets.UTF_8);
        producer.send(
                new ProducerRecord<>("soak-input", ("k" + (seq % 64)).getBytes(StandardCharsets.UTF_8), value),
                (metadata, error) -> {
                    if (error != null) {
                        resend.add(seq);
                    }
                });
    }

    private String recoveries(List<long[]> lag, Flapper flapper) {
        List<String> seconds = new ArrayList<>();
        synchronized (lag) {
            for (long restartedAt : flapper.restarts) {
                String found = "n/a";
                for (long[] sample : lag) {
                    if (sample[0] >= restartedAt && sample[1] < rate) {
                        found = String.format(Locale.ROOT, "%.0f", (sample[0] - restartedAt) / 1e9);
                        break;
                    }
                }
                seconds.add(found);
            }
        }
        return seconds.isEmpty() ? "no restart" : String.join(", ", seconds);
    }

    static int jsonSequence(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        int at = text.indexOf("\"seq\":");
        if (at < 0) {
            return -1;
        }
        int i = at + 6;
        int seq = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            seq = seq * 10 + (text.charAt(i++) - '0');
        }
        return seq;
    }

    // ----------------------------------------------------------------- helpers

    private void row(String name, Object value) {
        report.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
    }

    private static boolean waitFor(Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return condition.getAsBoolean();
    }

    /** Distinct sequence numbers and records in a topic, read to its end offsets without keeping them. */
    private static final class Count {
        long records;
        int distinct;
    }

    private interface Sequence {
        int of(byte[] value);
    }

    private static Count count(ForkedKafkaBroker broker, String topic, Sequence sequence, int expected) {
        Properties props = broker.clientProperties();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        BitSet seen = new BitSet(expected);
        Count count = new Count();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(60))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline && !atEnd(consumer, endOffsets)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    count.records++;
                    int seq = record.value() == null ? -1 : sequence.of(record.value());
                    if (seq >= 0) {
                        seen.set(seq);
                    }
                }
            }
        }
        count.distinct = seen.cardinality();
        return count;
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> endOffsets) {
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Stops the broker every 30-60 s for 5-15 s, on its own thread. */
    private final class Flapper {
        private final ForkedKafkaBroker broker;
        private final Thread thread;
        private volatile boolean running = true;
        final List<Long> outages = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Long> restarts = new java.util.concurrent.CopyOnWriteArrayList<>();

        Flapper(ForkedKafkaBroker broker) {
            this.broker = broker;
            this.thread = new Thread(this::run, "soak-flapper");
        }

        void start() {
            if (flapping) {
                thread.start();
            }
        }

        private void run() {
            while (running) {
                if (!pause(30 + random.nextInt(31))) {
                    return;
                }
                long down = System.nanoTime();
                broker.stop();
                pause(5 + random.nextInt(11));
                broker.restart();
                restarts.add(System.nanoTime());
                outages.add(System.nanoTime() - down);
            }
        }

        /** Waits, or returns false at once when the run ends. */
        private boolean pause(int seconds) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (running && System.nanoTime() < end) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
            return running;
        }

        void stop() throws InterruptedException {
            running = false;
            if (flapping) {
                thread.join();
            }
        }

        String summary() {
            if (!flapping) {
                return "the broker stayed up (--no-outages)";
            }
            double total = outages.stream().mapToLong(Long::longValue).sum() / 1e9;
            return String.format(
                    Locale.ROOT,
                    "the broker was stopped %d times, %.0f s in all (each down 5-15 s, then restarted on the same"
                            + " port with its data)",
                    outages.size(),
                    total);
        }
    }

    /** The live heap (used after the latest GC, all heap pools) sampled every 10 s. */
    private static final class HeapTrend {
        private final List<double[]> samples = new ArrayList<>(); // {minutes, MB}
        private final Thread thread = new Thread(this::run, "soak-heap");
        private volatile boolean running = true;
        private long start;
        private double before;
        private double after;

        void start() {
            before = liveAfterFullGc();
            start = System.nanoTime();
            thread.start();
        }

        private void run() {
            while (running) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
                synchronized (samples) {
                    samples.add(new double[] {(System.nanoTime() - start) / 6e10, liveAfterLastGc()});
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
            after = liveAfterFullGc();
        }

        void rows(Soak soak) {
            soak.row("live heap before / after the run (after a full GC), MB", mb(before) + " / " + mb(after));
            synchronized (samples) {
                soak.row(
                        "live heap after each GC, first / last minute average / max, MB",
                        mb(average(0, 1)) + " / " + mb(average(lastMinute() - 1, lastMinute())) + " / "
                                + mb(samples.stream()
                                        .mapToDouble(s -> s[1])
                                        .max()
                                        .orElse(0)));
                soak.row(
                        "live heap trend (least squares), MB per minute", String.format(Locale.ROOT, "%+.2f", slope()));
            }
        }

        private double lastMinute() {
            return samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[0];
        }

        private double average(double from, double to) {
            return samples.stream()
                    .filter(s -> s[0] >= from && s[0] <= to)
                    .mapToDouble(s -> s[1])
                    .average()
                    .orElse(0);
        }

        private double slope() {
            int n = samples.size();
            if (n < 2) {
                return 0;
            }
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (double[] s : samples) {
                sx += s[0];
                sy += s[1];
                sxx += s[0] * s[0];
                sxy += s[0] * s[1];
            }
            return (n * sxy - sx * sy) / (n * sxx - sx * sx);
        }

        private static String mb(double value) {
            return String.format(Locale.ROOT, "%.1f", value);
        }

        private static double liveAfterFullGc() {
            System.gc();
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    used += pool.getUsage().getUsed();
                }
            }
            return used / 1048576.0;
        }

        private static double liveAfterLastGc() {
            long used = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage usage = pool.getCollectionUsage();
                if (pool.getType() == MemoryType.HEAP && usage != null) {
                    used += usage.getUsed();
                }
            }
            return used / 1048576.0;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
