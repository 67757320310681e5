package io.github.nodrop.benchmarks;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The transformer race: records/s, memory and CPU of nodrop's transformer in each mode beside Kafka Streams
 * doing the same enrichment (tuned, and as a typical user writes it with Jackson) and a plain asynchronous
 * copy with no transform (the ceiling), over one input topic of ~300-byte JSON log events, 1% of them not
 * JSON, in one run against the embedded broker. Each contender runs in a JVM of its own ({@link
 * TransformerContender}, {@code StreamsContender}), one after the other, reading the whole topic with a fresh
 * consumer group and writing to new topics; the harness then reads those back ({@link OutputCheck}). Writes
 * {@code results/<date>-<host>-transformer.md} and two charts beside it.
 *
 * <pre>java -cp ... io.github.nodrop.benchmarks.TransformerComparison [--records N] [--partitions P[,P...]]
 *     [--malformed-percent N] [--contenders a,b,...] [--no-warmup] [--out DIR] [--work DIR]</pre>
 */
public final class TransformerComparison {

    static final List<String> JVM_FLAGS =
            List.of("-Xms64m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.net.preferIPv4Stack=true");

    static final List<String> CONTENDERS = List.of(
            "copy",
            "nodrop-serial",
            "nodrop-pipeline",
            "nodrop-worker",
            "streams-tuned",
            "streams-jackson",
            "nodrop-pipeline-eos",
            "streams-tuned-eos",
            "streams-jackson-eos");

    static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("copy", "plain copy (no transform; async, commit after ack)");
        NAMES.put("nodrop-serial", "nodrop serial, at-least-once");
        NAMES.put("nodrop-pipeline", "nodrop pipeline (default), at-least-once");
        NAMES.put("nodrop-worker", "nodrop worker, at-least-once");
        NAMES.put("streams-tuned", "Kafka Streams tuned (nodrop-streams), at_least_once");
        NAMES.put("streams-jackson", "Kafka Streams defaults + Jackson, at_least_once");
        NAMES.put("nodrop-serial-eos", "nodrop serial, exactly-once");
        NAMES.put("nodrop-pipeline-eos", "nodrop pipeline, exactly-once");
        NAMES.put("nodrop-worker-eos", "nodrop worker, exactly-once");
        NAMES.put("streams-tuned-eos", "Kafka Streams tuned (nodrop-streams), exactly_once_v2");
        NAMES.put("streams-jackson-eos", "Kafka Streams defaults + Jackson, exactly_once_v2");
    }

    static final Map<String, String> SHORT = new LinkedHashMap<>();

    static {
        SHORT.put("copy", "copy");
        SHORT.put("nodrop-serial", "nodrop serial");
        SHORT.put("nodrop-pipeline", "nodrop pipeline");
        SHORT.put("nodrop-worker", "nodrop worker");
        SHORT.put("streams-tuned", "KS tuned");
        SHORT.put("streams-jackson", "KS + Jackson");
        SHORT.put("nodrop-serial-eos", "nodrop serial EOS");
        SHORT.put("nodrop-pipeline-eos", "nodrop pipeline EOS");
        SHORT.put("nodrop-worker-eos", "nodrop worker EOS");
        SHORT.put("streams-tuned-eos", "KS tuned EOS");
        SHORT.put("streams-jackson-eos", "KS + Jackson EOS");
    }

    private TransformerComparison() {}

    /** One contender's figures: from its RESULT line, or why it failed; and what the harness read back. */
    record Run(String contender, Map<String, Double> figures, String failure, OutputCheck.Result check) {
        double rate(int records) {
            return failure == null ? records / figures.get("seconds") : Double.NaN;
        }

        double mb(String key) {
            return failure == null ? figures.get(key) / 1048576 : Double.NaN;
        }
    }

    public static void main(String[] args) throws Exception {
        int records = 1_000_000;
        List<Integer> partitionCounts = List.of(8);
        int malformedPercent = 1;
        List<String> contenders = CONTENDERS;
        boolean warmup = true;
        Path outDir = Paths.get("results");
        Path workDir = Paths.get("target", "bench-work-transformer");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[++i]);
                case "--partitions" -> {
                    partitionCounts = new ArrayList<>();
                    for (String p : value.split(",")) {
                        partitionCounts.add(Integer.parseInt(p.trim()));
                    }
                    i++;
                }
                case "--malformed-percent" -> malformedPercent = Integer.parseInt(args[++i]);
                case "--contenders" -> {
                    contenders =
                            Arrays.stream(value.split(",")).map(String::trim).toList();
                    i++;
                }
                case "--no-warmup" -> warmup = false;
                case "--out" -> outDir = Paths.get(args[++i]);
                case "--work" -> workDir = Paths.get(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String contender : contenders) {
            if (!NAMES.containsKey(contender)) {
                throw new IllegalArgumentException("unknown contender " + contender + "; known: " + NAMES.keySet());
            }
        }
        long runStart = System.nanoTime();
        LogEvents events = new LogEvents(malformedPercent);
        Files.createDirectories(workDir);
        String stamp = LocalDate.now() + "-" + host();
        StringBuilder report = new StringBuilder();
        header(report, args, records, malformedPercent, events, warmup);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            for (int partitions : partitionCounts) {
                String input = "bench-in-" + partitions + "-"
                        + UUID.randomUUID().toString().substring(0, 6);
                broker.createTopic(input, partitions);
                long fillStart = System.nanoTime();
                fill(broker, input, partitions, records, events);
                System.out.printf(
                        "filled %s: %,d records in %.1f s%n", input, records, (System.nanoTime() - fillStart) / 1e9);
                if (warmup) {
                    System.out.println("  warm-up: copy (not reported)");
                    run(broker, "copy", input, partitions, records, events, workDir.resolve(partitions + "p-warmup"));
                }
                Map<String, Run> runs = new LinkedHashMap<>();
                for (String contender : contenders) {
                    System.out.println("  " + partitions + " partition(s): " + contender);
                    Run run = run(
                            broker,
                            contender,
                            input,
                            partitions,
                            records,
                            events,
                            workDir.resolve(partitions + "p-" + contender));
                    runs.put(contender, run);
                    System.out.println("    "
                            + (run.failure() == null
                                    ? String.format(
                                            "%,.0f records/s, start-up %.1f s, peak RSS %.0f MB; %s",
                                            run.rate(records),
                                            run.figures().get("startupSeconds"),
                                            run.mb("peakRss"),
                                            run.check().summary())
                                    : "FAILED: " + run.failure()));
                }
                section(report, partitions, records, runs);
                if (partitionCounts.size() == 1 || partitions == partitionCounts.get(0)) {
                    charts(
                            report,
                            outDir,
                            stamp + (partitionCounts.size() == 1 ? "" : "-" + partitions + "p"),
                            runs,
                            records);
                }
            }
        }
        report.append(
                String.format("The whole run, build excluded, took %.0f s.%n", (System.nanoTime() - runStart) / 1e9));
        Path out = outDir.resolve(stamp + "-transformer.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.print(report);
        System.out.println("written to " + out);
    }

    private static void header(
            StringBuilder report, String[] args, int records, int malformedPercent, LogEvents events, boolean warmup) {
        long bytes = 0;
        int sample = Math.min(records, 100_000);
        for (int i = 0; i < sample; i++) {
            bytes += events.event(i).length;
        }
        report.append("# Transformer throughput\n\n")
                .append("Machine: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, ")
                .append(System.getProperty("os.name"))
                .append(", Java ")
                .append(System.getProperty("java.version"))
                .append(". Broker: embedded Kafka 4.4.0 on 127.0.0.1 in the harness JVM, same cores. Kafka Streams ")
                .append(
                        "4.3.1 with kafka-clients 4.3.1 (its own classpath); nodrop and the copy with kafka-clients 4.4.0.\n")
                .append("Command: `")
                .append(command(args))
                .append("`.\n\n")
                .append(String.format(
                        "Input: %,d ECS-like JSON log events, %.0f bytes on average (one line each, trailing newline"
                                + " included), %d%% of them not JSON (half a plain-text log line, half a JSON event cut"
                                + " off): %,d records for the dead-letter topic. Keys null, spread evenly over the"
                                + " partitions.%n%n",
                        records, bytes / (double) sample, malformedPercent, countMalformed(events, records)))
                .append("records/s = records ÷ the time from the first acknowledged output record to the last, counted"
                        + " by the same producer interceptor in every contender (output and dead-letter records"
                        + " alike; the copy copies the malformed records to its output). Start-up = from the"
                        + " contender's JVM launch to its first acknowledged record. Each contender in a JVM of its own ("
                        + String.join(" ", JVM_FLAGS.subList(0, 3))
                        + "), one after the other, fresh consumer group, new output and dead-letter topics; peak heap"
                        + " sampled every 10 ms (garbage included), peak RSS = VmHWM, CPU = the JVM's CPU time from"
                        + " launch to exit (clean shutdown included). ÷ Kafka Streams tuned compares with the tuned"
                        + " Kafka Streams row of the same guarantee."
                        + (warmup ? " One unreported run of the copy warms the broker before the first contender." : "")
                        + " After each run the harness reads the output and dead-letter topics back with"
                        + " read_committed and checks every event is there once, in the right topic, with the"
                        + " right hash.\n\n");
    }

    /** The command line as typed: run-transformer.sh passes it in; else the script's name and the arguments. */
    private static String command(String[] args) {
        String typed = System.getProperty("bench.command", "");
        if (!typed.isBlank()) {
            return typed;
        }
        return "benchmarks/run-transformer.sh" + (args.length == 0 ? "" : " " + String.join(" ", args));
    }

    private static long countMalformed(LogEvents events, int records) {
        long n = 0;
        for (int i = 0; i < records; i++) {
            if (events.malformed(i)) {
                n++;
            }
        }
        return n;
    }

    static void fill(EmbeddedKafkaBroker broker, String topic, int partitions, int records, LogEvents events) {
        Properties props = broker.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, events.event(i)));
            }
            producer.flush();
        }
    }

    /** Runs one contender in a JVM of its own, then reads back what it wrote. */
    static Run run(
            EmbeddedKafkaBroker broker,
            String contender,
            String input,
            int partitions,
            int records,
            LogEvents events,
            Path log)
            throws IOException, InterruptedException {
        // unique per run: the warm-up and the measured copy must not share an output topic
        String output = input.replace("bench-in", "bench-out") + "-" + contender + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        String dlq = output + ".dlq";
        broker.createTopic(output, partitions);
        broker.createTopic(dlq, 1);
        boolean streams = contender.startsWith("streams");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.add("-cp");
        command.add(streams ? streamsClasspath() : System.getProperty("java.class.path"));
        command.add(streams ? "io.github.nodrop.benchmarks.StreamsContender" : TransformerContender.class.getName());
        command.addAll(List.of(contender, broker.bootstrapServers(), input, output, dlq, String.valueOf(records)));
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        String failure = null;
        if (!process.waitFor(AckCounter.CAP_SECONDS + 120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            failure = "did not exit within " + (AckCounter.CAP_SECONDS + 120) + " s";
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (line.startsWith("RESULT ")) {
                for (String pair : line.substring(7).split(" ")) {
                    String[] kv = pair.split("=", 2);
                    try {
                        figures.put(kv[0], Double.parseDouble(kv[1]));
                    } catch (NumberFormatException e) {
                        failure = "reported " + pair;
                    }
                }
            } else if (line.startsWith("FAILED ") && failure == null) {
                failure = line.substring(7);
            }
        }
        if (failure == null && !figures.containsKey("seconds")) {
            failure = "no RESULT line, exit code " + process.exitValue();
        }
        if (failure != null) {
            failure += " (see " + log + ")";
        }
        OutputCheck.Result check =
                OutputCheck.check(broker.bootstrapServers(), output, dlq, events, records, !contender.equals("copy"));
        return new Run(contender, figures, failure, check);
    }

    /** kafka-streams needs the kafka-clients of its own version: its contender runs on its own classpath. */
    static String streamsClasspath() {
        String classpath = System.getProperty("bench.streams.classpath");
        if (classpath == null || classpath.isBlank()) {
            throw new IllegalStateException("-Dbench.streams.classpath is not set: run benchmarks/run-transformer.sh");
        }
        return classpath;
    }

    private static void section(StringBuilder report, int partitions, int records, Map<String, Run> runs) {
        report.append(String.format(
                "## %d input partition%s, %,d records%n%n", partitions, partitions == 1 ? "" : "s", records));
        report.append(
                "| contender | records/s | ÷ copy | ÷ Kafka Streams tuned | start-up s | peak heap MB | peak RSS MB"
                        + " | RSS ÷ Kafka Streams tuned | CPU s | read back |\n"
                        + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        double copy = rate(runs, "copy", records);
        for (Run run : runs.values()) {
            String contender = run.contender();
            String tunedId = contender.endsWith("-eos") ? "streams-tuned-eos" : "streams-tuned";
            if (run.failure() != null) {
                report.append(String.format(
                        "| %s | **failed** | | | | | | | | %s |%n",
                        NAMES.get(contender), run.check().summary()));
                continue;
            }
            double rate = run.rate(records);
            double tuned = rate(runs, tunedId, records);
            Run tunedRun = runs.get(tunedId);
            boolean self = contender.equals(tunedId);
            report.append(String.format(
                    "| %s | %,.0f | %s | %s | %.1f | %.0f | %.0f | %s | %.1f | %s |%n",
                    NAMES.get(contender),
                    rate,
                    ratio(rate, copy),
                    self ? "" : ratio(rate, tuned),
                    run.figures().get("startupSeconds"),
                    run.mb("peakHeapUsed"),
                    run.mb("peakRss"),
                    self || tunedRun == null || tunedRun.failure() != null
                            ? ""
                            : ratio(run.mb("peakRss"), tunedRun.mb("peakRss")),
                    run.figures().get("cpuNanos") / 1e9,
                    run.check().summary()));
        }
        report.append('\n');
        for (Run run : runs.values()) {
            report.append("- ").append(NAMES.get(run.contender())).append(": ");
            if (run.failure() != null) {
                report.append("**failed**: ").append(run.failure()).append("; ");
            } else {
                Map<String, Double> f = run.figures();
                report.append(String.format(
                        "%.2f s measured, %.1f µs CPU per record; %,.0f GCs, %,.0f ms; live heap after GC peaked at"
                                + " %.1f MB; clean shutdown took %,.0f ms",
                        f.get("seconds"),
                        f.get("cpuNanos") / 1e3 / records,
                        f.get("gcCount"),
                        f.get("gcMillis"),
                        run.mb("peakHeapAfterGc"),
                        f.getOrDefault("closeMillis", Double.NaN)));
                if (f.containsKey("nodropConsumed")) {
                    report.append(String.format(
                            "; nodrop's counters: consumed %,.0f, produced %,.0f, dead-lettered %,.0f, skipped %,.0f",
                            f.get("nodropConsumed"),
                            f.get("nodropProduced"),
                            f.get("nodropDeadLettered"),
                            f.get("nodropSkipped")));
                }
                if (f.containsKey("copyCommits")) {
                    report.append(String.format("; %,.0f offset commits", f.get("copyCommits")));
                }
                if (f.getOrDefault("acked", (double) records) > records) {
                    report.append(String.format("; %,.0f acknowledgements in all", f.get("acked")));
                }
                report.append("; ");
            }
            report.append(run.check().describe(!run.contender().equals("copy"))).append('\n');
        }
        report.append('\n');
        goals(report, runs, records);
    }

    private static void goals(StringBuilder report, Map<String, Run> runs, int records) {
        report.append("### Goals\n\n| goal | figure | verdict |\n|---|---|---|\n");
        goal(
                report,
                "nodrop pipeline at least 3x Kafka Streams tuned, at least once",
                rate(runs, "nodrop-pipeline", records) / rate(runs, "streams-tuned", records),
                3.0,
                true);
        goal(
                report,
                "nodrop pipeline at least 1.0x the copy",
                rate(runs, "nodrop-pipeline", records) / rate(runs, "copy", records),
                1.0,
                true);
        for (String eos : List.of("nodrop-serial-eos", "nodrop-pipeline-eos", "nodrop-worker-eos")) {
            if (runs.containsKey(eos)) {
                goal(
                        report,
                        NAMES.get(eos) + " at least 2x Kafka Streams tuned exactly_once_v2",
                        rate(runs, eos, records) / rate(runs, "streams-tuned-eos", records),
                        2.0,
                        true);
            }
        }
        for (Run run : runs.values()) {
            if (run.contender().startsWith("nodrop")) {
                String tunedId = run.contender().endsWith("-eos") ? "streams-tuned-eos" : "streams-tuned";
                Run tuned = runs.get(tunedId);
                double ratio = tuned == null || tuned.failure() != null || run.failure() != null
                        ? Double.NaN
                        : run.mb("peakRss") / tuned.mb("peakRss");
                goal(
                        report,
                        NAMES.get(run.contender()) + ": peak RSS at most 0.5x Kafka Streams tuned's",
                        ratio,
                        0.5,
                        false);
            }
        }
        report.append('\n');
    }

    private static void goal(StringBuilder report, String what, double figure, double bar, boolean higherIsBetter) {
        String verdict;
        if (Double.isNaN(figure)) {
            verdict = "no figure (a contender failed or was not run)";
        } else if (higherIsBetter ? figure >= bar : figure <= bar) {
            verdict = "met";
        } else if (higherIsBetter) {
            verdict = String.format("**not met**: %.0f%% of the goal (%.2fx short)", 100 * figure / bar, bar - figure);
        } else {
            verdict = String.format(
                    "**not met**: %.2fx of the bar, %.0f%% over it", figure / bar, 100 * (figure / bar - 1));
        }
        report.append(String.format("| %s | %.2fx | %s |%n", what, figure, verdict));
    }

    private static void charts(StringBuilder report, Path outDir, String stem, Map<String, Run> runs, int records)
            throws IOException {
        List<String> labels = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        for (Run run : runs.values()) {
            if (run.failure() == null) {
                labels.add(SHORT.get(run.contender()));
                rates.add(run.rate(records));
                rss.add(run.mb("peakRss"));
            }
        }
        if (labels.isEmpty()) {
            return;
        }
        Files.createDirectories(outDir);
        Path rate = Charts.bars(
                "Transformer: records/s, first to last acknowledged output",
                "records/s",
                "records/s",
                labels,
                rates,
                outDir.resolve(stem + "-transformer-rate.png"));
        Path memory = Charts.bars(
                "Transformer: peak RSS of the contender's JVM (-Xmx512m)",
                "peak RSS MB",
                "MB",
                labels,
                rss,
                outDir.resolve(stem + "-transformer-rss.png"));
        report.append("![records/s](")
                .append(rate.getFileName())
                .append(")\n\n![peak RSS](")
                .append(memory.getFileName())
                .append(")\n\n");
    }

    private static double rate(Map<String, Run> runs, String contender, int records) {
        Run run = runs.get(contender);
        return run == null ? Double.NaN : run.rate(records);
    }

    private static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "";
        }
        return String.format("%.2f", a / b);
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
