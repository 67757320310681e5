package io.github.nodrop.examples;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import io.github.nodrop.testkit.ExternalKafkaCluster;
import io.github.nodrop.testkit.KafkaCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The end-to-end demo: an embedded broker, the Logback and Log4j2 example apps logging sequence-numbered
 * events, the broker taken away for a few seconds in the middle (the apps spool, then replay), and the
 * transformer enriching the log topic. Ends with a check that every logged event arrived, enriched, and
 * that one record's hash is the MD5 of its original bytes.
 */
public final class Demo {

    static final Pattern EVENT = Pattern.compile("(logback-app|log4j2-app) event (\\d+) ");
    static final Pattern HASH = Pattern.compile(",?\"hash\":\"([0-9a-f]{32})\"(?=\\}$)");

    private final ExampleOptions options;
    private final PrintStream out;

    public Demo(ExampleOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        ExampleOptions options;
        try {
            options = ExampleOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println("usage: ./demo [--events N per app, default 20000] [--rate events/s per app, default"
                    + " 4000] [--no-outage] [--mode pipeline|serial|worker] [--bootstrap-servers host:port]");
            return;
        }
        DemoSummary summary = new Demo(options, System.out).run();
        System.exit(summary.passed() ? 0 : 1);
    }

    public DemoSummary run() throws Exception {
        long start = System.nanoTime();
        boolean embedded = options.embedded();
        KafkaCluster kafka =
                embedded ? EmbeddedKafkaBroker.start() : new ExternalKafkaCluster(options.bootstrapServers);
        boolean outage = options.outage && embedded;
        String run = UUID.randomUUID().toString().substring(0, 8);
        String logs = "demo-logs-" + run;
        String enriched = logs + "-enriched";
        Path work = Files.createTempDirectory("nodrop-demo-");
        DemoSummary summary = new DemoSummary();
        summary.outage = outage;
        try {
            out.printf(
                    "nodrop demo: Kafka at %s%s; topics %s -> %s%n",
                    kafka.bootstrapServers(), embedded ? " (embedded)" : "", logs, enriched);
            kafka.createTopic(logs, 4);
            kafka.createTopic(enriched, 4);
            kafka.createTopic(logs + ".dlq", 1);
            DemoTransformer transformer = DemoTransformer.start(kafka.bootstrapServers(), logs, enriched, options.mode);
            LoggingApp[] apps = {new LogbackApp(), new Log4j2App()};
            Workload[] workloads = new Workload[apps.length];
            for (int i = 0; i < apps.length; i++) {
                apps[i].start(kafka.bootstrapServers(), logs, work.resolve(apps[i].name()));
                workloads[i] = new Workload(apps[i], options.events, options.threads, options.rate);
            }
            long loggingStart = System.nanoTime();
            for (Workload workload : workloads) {
                workload.start();
            }
            Progress progress = new Progress(apps, workloads, transformer, out);
            long total = (long) options.events * apps.length;
            if (outage) {
                progress.until(() -> logged(workloads) >= total / 3, "");
                progress.end();
                out.printf(">>> taking the broker away%n");
                kafka.stop();
                long back = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
                progress.until(() -> System.nanoTime() >= back, " [broker DOWN]");
                progress.end();
                out.printf(">>> bringing the broker back%n");
                kafka.restart();
            }
            progress.until(() -> logged(workloads) >= total, "");
            for (Workload workload : workloads) {
                workload.join();
            }
            summary.loggingSeconds = (System.nanoTime() - loggingStart) / 1e9;
            progress.until(() -> delivered(apps) >= total, "");
            for (LoggingApp app : apps) {
                summary.spooled += app.metrics().getSpooled();
                summary.replayed += app.metrics().getReplayed();
                app.stop();
            }
            progress.until(() -> transformer.produced() + transformer.deadLettered() >= total, "");
            progress.last();
            summary.dlq = transformer.deadLettered();
            transformer.close();

            summary.logged = total;
            check(kafka, enriched, total, summary);
            summary.totalSeconds = (System.nanoTime() - start) / 1e9;
            out.println("summary");
            out.println(summary);
            return summary;
        } finally {
            kafka.close();
            deleteRecursively(work);
        }
    }

    private void check(KafkaCluster kafka, String enriched, long total, DemoSummary summary) {
        List<ConsumerRecord<byte[], byte[]>> records = kafka.consume(enriched, (int) total, Duration.ofSeconds(60));
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            Matcher matcher = EVENT.matcher(value);
            if (matcher.find()) {
                seen.merge(matcher.group(1) + "#" + matcher.group(2), 1, Integer::sum);
            }
            if (summary.sampleRecord == null) {
                verifyHash(value, summary);
            }
        }
        summary.distinctEnriched = seen.size();
        summary.missing = total - seen.size();
        summary.duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
    }

    /** The transformer appends {@code "hash"} as the last member: removing it gives the original bytes back. */
    static void verifyHash(String value, DemoSummary summary) {
        Matcher matcher = HASH.matcher(value);
        if (!matcher.find()) {
            return;
        }
        String original = value.substring(0, matcher.start()) + value.substring(matcher.end());
        summary.sampleRecord =
                value.length() > 160 ? value.substring(0, 120) + "..." + value.substring(value.length() - 40) : value;
        summary.sampleHash = matcher.group(1);
        summary.recomputedHash = md5(original.getBytes(StandardCharsets.UTF_8));
    }

    static String md5(byte[] bytes) {
        try {
            StringBuilder hex = new StringBuilder();
            for (byte b : MessageDigest.getInstance("MD5").digest(bytes)) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long logged(Workload[] workloads) {
        long sum = 0;
        for (Workload workload : workloads) {
            sum += workload.logged();
        }
        return sum;
    }

    private static long delivered(LoggingApp[] apps) {
        long sum = 0;
        for (LoggingApp app : apps) {
            sum += app.metrics().getAcked() + app.metrics().getReplayed();
        }
        return sum;
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing the demo for
        }
    }

    /** Prints one live status line while waiting for a condition (with a deadline). */
    private static final class Progress {
        private final LoggingApp[] apps;
        private final Workload[] workloads;
        private final DemoTransformer transformer;
        private final PrintStream out;
        /** A terminal redraws one line in place; a file or a CI log gets a full line every few seconds. */
        private final boolean terminal = System.console() != null;

        private String lastLine = "";
        private long lastPrinted;

        Progress(LoggingApp[] apps, Workload[] workloads, DemoTransformer transformer, PrintStream out) {
            this.apps = apps;
            this.workloads = workloads;
            this.transformer = transformer;
            this.out = out;
        }

        void until(java.util.function.BooleanSupplier condition, String note) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    end();
                    out.printf("(gave up waiting after 120 s)%n");
                    return;
                }
                line(note);
                TimeUnit.MILLISECONDS.sleep(250); // a display refresh, not synchronisation
            }
        }

        /** Ends the status line in place on a terminal, so what follows starts on a line of its own. */
        void end() {
            if (terminal) {
                out.println();
            }
        }

        /** The final status, whenever the last one was printed. */
        void last() {
            lastPrinted = 0;
            lastLine = "";
            line("");
            end();
        }

        void line(String note) {
            long spooled = 0;
            long replayed = 0;
            for (LoggingApp app : apps) {
                spooled += app.metrics().getSpooled();
                replayed += app.metrics().getReplayed();
            }
            String status = String.format(
                    "logged %,7d | delivered %,7d | spooled %,6d | replayed %,6d | transformed %,7d%s",
                    logged(workloads), delivered(apps), spooled, replayed, transformer.produced(), note);
            if (terminal) {
                out.print("\r" + status + "   ");
                return;
            }
            long now = System.nanoTime();
            if (!status.equals(lastLine) && (lastPrinted == 0 || now - lastPrinted >= TimeUnit.SECONDS.toNanos(2))) {
                out.println(status);
                lastLine = status;
                lastPrinted = now;
            }
        }
    }
}
