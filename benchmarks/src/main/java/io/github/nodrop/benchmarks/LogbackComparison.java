package io.github.nodrop.benchmarks;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Logback comparison: starts one embedded broker, then runs each contender in a fresh JVM of its
 * own, one after the other, in each scenario, and writes {@code results/<date>-<host>.md}.
 *
 * <p>Options (all optional): {@code --events N} (200000), {@code --threads 1,4}, {@code --contenders
 * nodrop,danielwegener,logback-async-file,kafka-producer}, {@code --scenarios up,down,steady,outage}, {@code
 * --steady-rate N} (5000 events/s, one thread, for steady and outage), {@code --steady-seconds S} (30),
 * {@code --outage-cap-seconds S} (100), {@code
 * --down-events N} (10000), {@code --down-cap-seconds S} (70), {@code --partitions P} (1), {@code
 * --settle-seconds S} (5), {@code --jvm-flags "-Xmx512m -XX:+UseG1GC"}, {@code --out DIR} (results),
 * {@code --work DIR} (target/bench-work).
 */
public final class LogbackComparison {

    private LogbackComparison() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int events = Integer.parseInt(options.getOrDefault("events", "200000"));
        int downEvents = Integer.parseInt(options.getOrDefault("down-events", "10000"));
        long downCap = Long.parseLong(options.getOrDefault("down-cap-seconds", "70"));
        List<Integer> threads = Arrays.stream(
                        options.getOrDefault("threads", "1,4").split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        List<Contender> contenders = Arrays.stream(options.getOrDefault("contenders", Contender.LOGBACK_COMPARISON)
                        .split(","))
                .map(Contender::byId)
                .toList();
        List<String> scenarios = Arrays.asList(
                options.getOrDefault("scenarios", "up,down,steady,outage").split(","));
        int steadyRate = Integer.parseInt(options.getOrDefault("steady-rate", "5000"));
        int steadySeconds = Integer.parseInt(options.getOrDefault("steady-seconds", "30"));
        long outageCap = Long.parseLong(options.getOrDefault("outage-cap-seconds", "100"));
        int partitions = Integer.parseInt(options.getOrDefault("partitions", "1"));
        long settle = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("settle-seconds", "5")));
        List<String> jvmFlags = List.of(
                options.getOrDefault("jvm-flags", "-Xms64m -Xmx512m -XX:+UseG1GC -Djava.net.preferIPv4Stack=true")
                        .trim()
                        .split("\\s+"));
        Path out = Path.of(options.getOrDefault("out", "results"));
        Path work = Path.of(options.getOrDefault("work", "target/bench-work"));
        Files.createDirectories(out);
        Files.createDirectories(work);

        List<List<RunResult>> tables = new ArrayList<>();
        long began = System.nanoTime();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            progress("broker up at " + broker.bootstrapServers() + "; warming it up with " + events + " records");
            warmUp(broker, events, partitions);
            ContenderProcess.Settings up = new ContenderProcess.Settings(
                    jvmFlags, work, partitions, settle, TimeUnit.SECONDS.toNanos(180), 300);
            if (scenarios.contains("up")) {
                for (int t : threads) {
                    List<RunResult> table = new ArrayList<>();
                    for (Contender contender : contenders) {
                        table.add(run(new ContenderProcess(broker, up), Scenario.BROKER_UP, contender, t, events));
                    }
                    tables.add(table);
                }
            }
            int paced = steadyRate * steadySeconds;
            if (scenarios.contains("steady")) {
                ContenderProcess.Settings steady = new ContenderProcess.Settings(
                        jvmFlags, work, partitions, settle, TimeUnit.SECONDS.toNanos(180), 300, steadyRate);
                List<RunResult> table = new ArrayList<>();
                for (Contender contender : contenders) {
                    table.add(run(new ContenderProcess(broker, steady), Scenario.STEADY, contender, 1, paced));
                }
                tables.add(table);
            }
            if (scenarios.contains("outage")) {
                ContenderProcess.Settings outage = new ContenderProcess.Settings(
                        jvmFlags, work, partitions, settle, TimeUnit.SECONDS.toNanos(180), outageCap, steadyRate);
                List<RunResult> table = new ArrayList<>();
                for (Contender contender : contenders) {
                    if (contender.sink() == Contender.Sink.TOPIC) {
                        table.add(run(
                                new ContenderProcess(broker, outage), Scenario.OUTAGE_MID_RUN, contender, 1, paced));
                    }
                }
                if (!table.isEmpty()) {
                    tables.add(table);
                }
            }
            if (scenarios.contains("down")) {
                ContenderProcess.Settings down = new ContenderProcess.Settings(
                        jvmFlags, work, partitions, settle, TimeUnit.SECONDS.toNanos(180), downCap);
                List<RunResult> table = new ArrayList<>();
                for (Contender contender : contenders) {
                    if (contender.sink() == Contender.Sink.TOPIC) {
                        table.add(run(
                                new ContenderProcess(broker, down),
                                Scenario.BROKER_DOWN_AT_START,
                                contender,
                                1,
                                downEvents));
                    }
                }
                if (!table.isEmpty()) {
                    tables.add(table);
                }
            }
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
        String markdown =
                render(tables, args, jvmFlags, partitions, settle, downCap, seconds, steadyRate, steadySeconds);
        String prefix = LocalDate.now() + "-" + hostname();
        Path file = out.resolve(prefix + ".md");
        Files.writeString(file, markdown); // first: a chart that fails must not cost the figures
        try {
            markdown += charts(tables, out, prefix);
            Files.writeString(file, markdown);
        } catch (RuntimeException | IOException e) {
            progress("charts not drawn: " + e);
        }
        System.out.println(markdown);
        progress("wrote " + file.toAbsolutePath() + " after " + seconds + " s");
        System.exit(0);
    }

    /** Draws the charts next to the results file and returns the Markdown that shows them. */
    private static String charts(List<List<RunResult>> tables, Path out, String prefix) throws IOException {
        StringBuilder md = new StringBuilder("## Charts\n\n");
        List<List<RunResult>> burst = new ArrayList<>();
        for (List<RunResult> table : tables) {
            Scenario scenario = table.get(0).scenario();
            if (scenario == Scenario.BROKER_UP) {
                burst.add(table);
            }
            if (scenario == Scenario.BROKER_UP || scenario == Scenario.STEADY) {
                String name =
                        prefix + "-" + scenario.dirName() + "-" + table.get(0).threads() + "t-latency.png";
                String title = "Caller latency, " + scenario.title() + ", "
                        + table.get(0).threads() + (table.get(0).threads() == 1 ? " thread" : " threads");
                Charts.latency(table, out.resolve(name), title);
                md.append("![").append(title).append("](").append(name).append(")\n\n");
            }
        }
        if (!burst.isEmpty()) {
            String name = prefix + "-delivered.png";
            String title =
                    "Delivered events/s, broker up, " + burst.get(0).get(0).events() + " events";
            Charts.delivered(burst, out.resolve(name), title);
            md.append("![").append(title).append("](").append(name).append(")\n\n");
        }
        if (burst.size() > 2) {
            for (String key : List.of("p50", "p999")) {
                String name = prefix + "-scaling-" + key + ".png";
                String title = "Caller " + (key.equals("p50") ? "p50" : "p99.9") + " by logging threads, broker up";
                Charts.scaling(burst, key, out.resolve(name), title);
                md.append("![").append(title).append("](").append(name).append(")\n\n");
            }
        }
        return md.toString();
    }

    private static RunResult run(
            ContenderProcess process, Scenario scenario, Contender contender, int threads, int events)
            throws Exception {
        progress(scenario.title() + ": " + contender.id() + ", " + threads + " thread(s), " + events + " events");
        RunResult result = process.run(scenario, contender, threads, events);
        progress(String.format(
                Locale.ROOT,
                "  p99.9 %.1f µs, max %.1f µs, %,.0f delivered/s, %,d in place, %,d lost%s",
                result.loggedFigure("p999") / 1e3,
                result.loggedFigure("max") / 1e3,
                result.deliveredPerSecond(),
                result.distinctFinal(),
                result.lost(),
                result.problem() == null ? "" : " (" + result.problem() + ")"));
        return result;
    }

    /** The broker's first records are slow (class loading, JIT); no contender should pay for that. */
    static void warmUp(EmbeddedKafkaBroker broker, int events, int partitions) throws Exception {
        String topic = "bench-warmup";
        broker.createTopic(topic, partitions);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (TopicCounter counter = new TopicCounter(broker.bootstrapServers(), topic, partitions, events);
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < events; i++) {
                producer.send(new ProducerRecord<>(topic, Messages.message(i).getBytes(StandardCharsets.US_ASCII)));
            }
            producer.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (counter.completeNanos() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    private static String render(
            List<List<RunResult>> tables,
            String[] args,
            List<String> jvmFlags,
            int partitions,
            long settleNanos,
            long downCap,
            long seconds,
            int steadyRate,
            int steadySeconds) {
        StringBuilder md = new StringBuilder();
        md.append("# Logback appenders side by side: ")
                .append(LocalDate.now())
                .append(", ")
                .append(hostname())
                .append("\n\n");
        md.append("Generated by `io.github.nodrop.benchmarks.LogbackComparison`; see `benchmarks/README.md` for what"
                + " each column means and how it is measured.\n\n");
        md.append("| | |\n|---|---|\n");
        md.append(environment());
        md.append("| contender JVM flags | `")
                .append(String.join(" ", jvmFlags))
                .append("` |\n");
        md.append("| versions | nodrop ")
                .append(mavenVersion("io.github.nodrop", "nodrop-appender-logback"))
                .append(", kafka-clients ")
                .append(resourceVersion("kafka/kafka-version.properties"))
                .append(" (broker the same, embedded, 127.0.0.1), logback-classic ")
                .append(mavenVersion("ch.qos.logback", "logback-classic"))
                .append(", logback-kafka-appender (danielwegener) ")
                .append(mavenVersion("com.github.danielwegener", "logback-kafka-appender"))
                .append(" |\n");
        md.append("| topic | ")
                .append(partitions)
                .append(partitions == 1 ? " partition" : " partitions")
                .append(", a new topic per run; settle time ")
                .append(TimeUnit.NANOSECONDS.toSeconds(settleNanos))
                .append(" s; broker-down time cap ")
                .append(downCap)
                .append(" s |\n");
        md.append("| paced scenarios | ")
                .append(String.format(Locale.ROOT, "%,d", steadyRate))
                .append(" events/s from one thread for ")
                .append(steadySeconds)
                .append(" s; in the outage scenario the broker is stopped ")
                .append(ContenderProcess.OUTAGE_AFTER_SECONDS)
                .append(" s after the contender is ready, for ")
                .append(ContenderProcess.OUTAGE_SECONDS)
                .append(" s |\n");
        md.append("| command | `")
                .append(System.getProperty("bench.command", "java -cp ... " + LogbackComparison.class.getName()))
                .append("` |\n");
        md.append("| harness arguments | `").append(String.join(" ", args)).append("` |\n");
        md.append("| suite time | ").append(seconds).append(" s |\n\n");
        List<List<RunResult>> burst = tables.stream()
                .filter(t -> t.get(0).scenario() == Scenario.BROKER_UP)
                .toList();
        if (burst.size() > 2) {
            md.append(Report.scaling(burst));
        }
        for (List<RunResult> table : tables) {
            md.append(Report.scenarioTable(table));
        }
        return md.toString();
    }

    /** The rows every results file starts with: date, machine, OS, JVM. */
    static String environment() {
        StringBuilder md = new StringBuilder();
        md.append("| date | ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(" |\n");
        md.append("| machine | ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ")
                .append(cpuModel())
                .append(", ")
                .append(memTotal())
                .append(" |\n");
        md.append("| OS | ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append(' ')
                .append(System.getProperty("os.arch"))
                .append(" |\n");
        md.append("| JVM | ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append(" (")
                .append(System.getProperty("java.vm.vendor"))
                .append(") |\n");
        return md.toString();
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }

    static void progress(String message) {
        System.err.println("[bench] " + message);
    }

    static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }

    private static String cpuModel() {
        return procField("/proc/cpuinfo", "model name", System.getProperty("os.arch"));
    }

    private static String memTotal() {
        String kb = procField("/proc/meminfo", "MemTotal", "");
        try {
            return String.format(
                    Locale.ROOT,
                    "%.1f GB RAM",
                    Long.parseLong(kb.replace("kB", "").trim()) / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            return "RAM unknown";
        }
    }

    private static String procField(String file, String field, String fallback) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(field)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return fallback;
        }
        return fallback;
    }

    static String mavenVersion(String groupId, String artifactId) {
        return resourceVersion("META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties");
    }

    static String resourceVersion(String resource) {
        try (InputStream in = LogbackComparison.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
