package io.github.nodrop.benchmarks;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * nodrop's durable mode beside its in-memory mode, danielwegener's appender and the same behind
 * logstash-logback-encoder's asynchronous appender, in one run: a burst with the broker up, the broker
 * down at start, and {@code kill -9} while logging at a steady rate (broker up, and broker stopped shortly
 * before the kill). Writes {@code results/<date>-<host>-durable.md} and a latency chart.
 *
 * <p>Options (all optional): {@code --events N} (100000), {@code --threads T} (4), {@code --contenders
 * nodrop,nodrop-durable,danielwegener,logstash-async}, {@code --scenarios up,down,kill}, {@code
 * --down-events N} (10000), {@code --down-cap-seconds S} (70), {@code --kill-rate N} (10000 events/s in
 * all), {@code --kill-after-seconds S} (5), {@code --kill-broker-down-seconds S} (2), {@code
 * --recover-seconds S} (60), {@code --partitions P} (1), {@code --settle-seconds S} (5), {@code
 * --jvm-flags "..."}, {@code --out DIR} (results), {@code --work DIR} (target/bench-work-durable).
 */
public final class DurableComparison {

    private DurableComparison() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = LogbackComparison.options(args);
        int events = Integer.parseInt(options.getOrDefault("events", "100000"));
        int threads = Integer.parseInt(options.getOrDefault("threads", "4"));
        List<Contender> contenders = Arrays.stream(
                        options.getOrDefault("contenders", "nodrop,nodrop-durable,danielwegener,logstash-async")
                                .split(","))
                .map(Contender::byId)
                .toList();
        List<String> scenarios =
                Arrays.asList(options.getOrDefault("scenarios", "up,down,kill").split(","));
        int downEvents = Integer.parseInt(options.getOrDefault("down-events", "10000"));
        long downCap = Long.parseLong(options.getOrDefault("down-cap-seconds", "70"));
        int killRate = Integer.parseInt(options.getOrDefault("kill-rate", "10000"));
        KillProcess.Timing timing = new KillProcess.Timing(
                Long.parseLong(options.getOrDefault("kill-after-seconds", "5")),
                Long.parseLong(options.getOrDefault("kill-broker-down-seconds", "2")),
                Long.parseLong(options.getOrDefault("recover-seconds", "60")));
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "1"));
        long settle = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("settle-seconds", "5")));
        List<String> jvmFlags = List.of(
                options.getOrDefault("jvm-flags", "-Xms64m -Xmx512m -XX:+UseG1GC -Djava.net.preferIPv4Stack=true")
                        .trim()
                        .split("\\s+"));
        Path out = Path.of(options.getOrDefault("out", "results"));
        Path work = Path.of(options.getOrDefault("work", "target/bench-work-durable"));
        Files.createDirectories(out);
        Files.createDirectories(work);
        long delivery = TimeUnit.SECONDS.toNanos(180);

        List<List<RunResult>> tables = new ArrayList<>();
        List<String> headings = new ArrayList<>();
        long began = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            LogbackComparison.progress(
                    "broker up at " + broker.bootstrapServers() + "; warming it up with " + events + " records");
            LogbackComparison.warmUp(broker, events, partitions);
            if (scenarios.contains("up")) {
                ContenderProcess up = new ContenderProcess(
                        broker, new ContenderProcess.Settings(jvmFlags, work, partitions, settle, delivery, 300));
                List<RunResult> table = new ArrayList<>();
                for (Contender contender : contenders) {
                    announce(Scenario.BROKER_UP, contender);
                    table.add(done(up.run(Scenario.BROKER_UP, contender, threads, events)));
                }
                tables.add(table);
                headings.add(String.format(
                        Locale.ROOT, "Broker up, burst, %s, %,d events", Report.threads(threads), events));
            }
            if (scenarios.contains("down")) {
                ContenderProcess down = new ContenderProcess(
                        broker, new ContenderProcess.Settings(jvmFlags, work, partitions, settle, delivery, downCap));
                List<RunResult> table = new ArrayList<>();
                for (Contender contender : contenders) {
                    announce(Scenario.BROKER_DOWN_AT_START, contender);
                    table.add(done(down.run(Scenario.BROKER_DOWN_AT_START, contender, threads, downEvents)));
                }
                tables.add(table);
                headings.add(String.format(
                        Locale.ROOT, "Broker down at start, %s, %,d events", Report.threads(threads), downEvents));
            }
            if (scenarios.contains("kill")) {
                KillProcess kill = new KillProcess(
                        broker,
                        new ContenderProcess.Settings(jvmFlags, work, partitions, settle, delivery, 300, killRate),
                        timing);
                for (Scenario scenario : List.of(Scenario.KILL_BROKER_UP, Scenario.KILL_BROKER_DOWN)) {
                    List<RunResult> table = new ArrayList<>();
                    for (Contender contender : contenders) {
                        announce(scenario, contender);
                        table.add(done(kill.run(scenario, contender, threads)));
                    }
                    tables.add(table);
                    headings.add(String.format(
                            Locale.ROOT,
                            "Kill -9 after %d s at %,d events/s, %s, %s",
                            timing.killAfterSeconds(),
                            killRate,
                            scenario == Scenario.KILL_BROKER_UP
                                    ? "broker up"
                                    : "broker stopped " + timing.brokerDownSeconds() + " s before the kill",
                            Report.threads(threads)));
                }
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
        String prefix = LocalDate.now() + "-" + LogbackComparison.hostname() + "-durable";
        String markdown = render(tables, headings, args, jvmFlags, partitions, settle, downCap, seconds);
        Path file = out.resolve(prefix + ".md");
        Files.writeString(file, markdown); // first: a chart that fails must not cost the figures
        try {
            markdown += chart(tables, out, prefix);
            Files.writeString(file, markdown);
        } catch (RuntimeException | IOException e) {
            LogbackComparison.progress("chart not drawn: " + e);
        }
        System.out.println(markdown);
        LogbackComparison.progress("wrote " + file.toAbsolutePath() + " after " + seconds + " s");
        System.exit(0);
    }

    private static void announce(Scenario scenario, Contender contender) {
        LogbackComparison.progress(scenario.title() + ": " + contender.id());
    }

    private static RunResult done(RunResult result) {
        LogbackComparison.progress(String.format(
                Locale.ROOT,
                "  p50 %.1f µs, p99.9 %.1f µs, %,.0f delivered/s, %,d calls returned, %,d in place, %,d lost,"
                        + " %,d duplicates%s",
                result.loggedFigure("p50") / 1e3,
                result.loggedFigure("p999") / 1e3,
                result.deliveredPerSecond(),
                result.completedCalls(),
                result.distinctFinal(),
                result.lost(),
                result.duplicates(),
                result.problem() == null ? "" : " (" + result.problem() + ")"));
        return result;
    }

    /** The latency chart of the burst (broker up), the table the caller-cost goals are mostly about. */
    private static String chart(List<List<RunResult>> tables, Path out, String prefix) throws IOException {
        for (List<RunResult> table : tables) {
            if (table.get(0).scenario() == Scenario.BROKER_UP) {
                String name = prefix + "-up-" + table.get(0).threads() + "t-latency.png";
                String title = "Caller latency, broker up, burst, "
                        + Report.threads(table.get(0).threads());
                Charts.latency(table, out.resolve(name), title);
                return "## Chart\n\n![" + title + "](" + name + ")\n\n";
            }
        }
        return "";
    }

    private static String render(
            List<List<RunResult>> tables,
            List<String> headings,
            String[] args,
            List<String> jvmFlags,
            int partitions,
            long settleNanos,
            long downCap,
            long seconds) {
        StringBuilder md = new StringBuilder();
        md.append("# nodrop durable mode side by side: ")
                .append(LocalDate.now())
                .append(", ")
                .append(LogbackComparison.hostname())
                .append("\n\n");
        md.append("Generated by `io.github.nodrop.benchmarks.DurableComparison`; see `benchmarks/README.md` for what"
                + " each column means and how it is measured. Ratios are nodrop-durable ÷ each other contender.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append(LogbackComparison.environment());
        md.append("| contender JVM flags | `")
                .append(String.join(" ", jvmFlags))
                .append("` |\n");
        md.append("| versions | nodrop ")
                .append(LogbackComparison.mavenVersion("io.github.nodrop", "nodrop-appender-logback"))
                .append(", kafka-clients ")
                .append(LogbackComparison.resourceVersion("kafka/kafka-version.properties"))
                .append(" (broker the same, embedded, 127.0.0.1), logback-classic ")
                .append(LogbackComparison.mavenVersion("ch.qos.logback", "logback-classic"))
                .append(", logback-kafka-appender (danielwegener) ")
                .append(LogbackComparison.mavenVersion("com.github.danielwegener", "logback-kafka-appender"))
                .append(", logstash-logback-encoder ")
                .append(LogbackComparison.mavenVersion("net.logstash.logback", "logstash-logback-encoder"))
                .append(" |\n");
        md.append("| topic | ")
                .append(partitions)
                .append(partitions == 1 ? " partition" : " partitions")
                .append(", a new topic per run; settle time ")
                .append(TimeUnit.NANOSECONDS.toSeconds(settleNanos))
                .append(" s; broker-down time cap ")
                .append(downCap)
                .append(" s |\n");
        md.append("| command | `")
                .append(System.getProperty("bench.command", "java -cp ... " + DurableComparison.class.getName()))
                .append("` |\n");
        md.append("| harness arguments | `").append(String.join(" ", args)).append("` |\n");
        md.append("| suite time | ").append(seconds).append(" s |\n\n");
        for (int i = 0; i < tables.size(); i++) {
            md.append(DurableReport.table(tables.get(i), headings.get(i)));
        }
        md.append(DurableReport.goals(tables));
        return md.toString();
    }
}
