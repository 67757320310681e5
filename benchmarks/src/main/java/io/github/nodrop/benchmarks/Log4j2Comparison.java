package io.github.nodrop.benchmarks;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;

/**
 * nodrop's {@code <NodropKafka>} beside log4j-core's own {@code Kafka} appender ({@code syncSend="false"}
 * inside a {@code Failover} to a file), each in a fresh JVM, against the embedded broker in this one:
 * caller cost per {@code logger.info}, delivered events/s counted in the topic, and events lost. Writes
 * {@code results/<date>-<host>-log4j2.md}.
 */
public final class Log4j2Comparison {

    private Log4j2Comparison() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        StringBuilder report = new StringBuilder("# Log4j2 appenders side by side\n\n");
        report.append("Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, Java ")
                .append(System.getProperty("java.version"))
                .append(", Kafka 4.4.0 embedded on 127.0.0.1, log4j-core 2.25.5. Command: `benchmarks/run-log4j2.sh ")
                .append(events)
                .append("`. ")
                .append(events)
                .append(" events of 100 bytes per run, each contender in a fresh JVM (-Xmx512m), one topic of one"
                        + " partition each; delivered/s from the first call until the last event was counted in the"
                        + " topic.\n\n");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int threads : new int[] {1, 4}) {
                report.append("## ").append(threads).append(" logging thread").append(threads == 1 ? "" : "s");
                report.append("\n\n| contender | caller p50 µs | p99 µs | p99.9 µs | max µs | first call ms |"
                        + " delivered events/s | lost |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
                double[] nodrop = null;
                for (String contender : new String[] {"nodrop", "log4j-kafka"}) {
                    double[] row = run(broker, contender, events, threads);
                    report.append(String.format(
                            "| %s | %.2f | %.1f | %.1f | %,.0f | %.1f | %,.0f | %,.0f |%n",
                            contender.equals("nodrop") ? "nodrop `NodropKafka`" : "log4j-core `Kafka` in `Failover`",
                            row[0],
                            row[1],
                            row[2],
                            row[3],
                            row[4],
                            row[5],
                            row[6]));
                    if (nodrop == null) {
                        nodrop = row;
                    } else {
                        report.append(String.format(
                                "%nnodrop ÷ log4j-core: p50 %.2f, p99 %.2f, p99.9 %.2f, max %.3f (lower is better);"
                                        + " delivered events/s %.1f (higher is better).%n%n",
                                nodrop[0] / row[0],
                                nodrop[1] / row[1],
                                nodrop[2] / row[2],
                                nodrop[3] / row[3],
                                nodrop[5] / row[5]));
                    }
                }
                System.out.print(report);
            }
        }
        Path out = Paths.get("results", LocalDate.now() + "-" + TransformerComparison.host() + "-log4j2.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.println("written to " + out);
    }

    /** p50, p99, p99.9, max (µs), first call (ms), delivered/s, lost. */
    static double[] run(EmbeddedKafkaBroker broker, String contender, int events, int threads) throws Exception {
        String topic = "log4j2-" + contender + "-" + threads + "-" + System.nanoTime();
        broker.createTopic(topic, 1);
        Path dir = Files.createTempDirectory("bench-log4j2-");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        try (TopicCounter counter = new TopicCounter(broker.bootstrapServers(), topic, 1, events)) {
            Process child = new ProcessBuilder(
                            java,
                            "-Xms64m",
                            "-Xmx512m",
                            "-XX:+UseG1GC",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Log4j2Contender.class.getName(),
                            contender,
                            broker.bootstrapServers(),
                            topic,
                            String.valueOf(events),
                            String.valueOf(threads),
                            dir.toString())
                    .redirectErrorStream(true)
                    .start();
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String[] result = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("RESULT ")) {
                    result = line.split(" ");
                    break;
                }
            }
            if (result == null) {
                throw new IllegalStateException(contender + " did not report");
            }
            long start = Long.parseLong(result[1]);
            long settle = TimeUnit.SECONDS.toNanos(5);
            while (counter.distinct() < events) {
                long last = Math.max(counter.lastNewNanos(), start);
                if (System.nanoTime() - last > settle) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(20); // polling the counting thread's progress
            }
            long end = counter.distinct() == events ? counter.completeNanos() : counter.lastNewNanos();
            int delivered = counter.distinct();
            try (OutputStream in = child.getOutputStream()) {
                in.write('\n');
            }
            child.waitFor(60, TimeUnit.SECONDS);
            TimeUnit.SECONDS.sleep(2); // late arrivals after stop count as delivered, not lost
            double seconds = Math.max(1e-9, (end - start) / 1e9);
            return new double[] {
                Long.parseLong(result[2]) / 1000.0,
                Long.parseLong(result[3]) / 1000.0,
                Long.parseLong(result[4]) / 1000.0,
                Long.parseLong(result[5]) / 1000.0,
                Long.parseLong(result[6]) / 1e6,
                delivered / seconds,
                events - counter.distinct()
            };
        }
    }
}
