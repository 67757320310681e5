package io.github.nodrop.benchmarks;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one contender in a fresh JVM ({@link ContenderRun}) while counting its events where they land, and
 * collects a {@link RunResult}. One at a time: the harness never runs two contenders at once.
 */
final class ContenderProcess {

    private final EmbeddedKafkaBroker broker;
    private final Settings settings;

    /** What every run shares. */
    record Settings(
            List<String> jvmFlags,
            Path workDir,
            int partitions,
            long settleNanos,
            long deliveryTimeoutNanos,
            long capSeconds,
            double rate) {

        Settings(
                List<String> jvmFlags,
                Path workDir,
                int partitions,
                long settleNanos,
                long deliveryTimeoutNanos,
                long capSeconds) {
            this(jvmFlags, workDir, partitions, settleNanos, deliveryTimeoutNanos, capSeconds, 0);
        }
    }

    /** When the harness stops the broker in {@link Scenario#OUTAGE_MID_RUN}, and for how long. */
    static final long OUTAGE_AFTER_SECONDS = 10;

    static final long OUTAGE_SECONDS = 10;

    ContenderProcess(EmbeddedKafkaBroker broker, Settings settings) {
        this.broker = broker;
        this.settings = settings;
    }

    RunResult run(Scenario scenario, Contender contender, int threads, int events) throws Exception {
        String name = scenario.dirName() + "-" + contender.id() + "-" + threads + "t";
        String topic = "bench-" + name + "-" + Long.toHexString(System.nanoTime());
        Path dir = settings.workDir().resolve(name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        if (contender.sink() == Contender.Sink.TOPIC) {
            broker.createTopic(topic, settings.partitions());
        }
        if (scenario == Scenario.BROKER_DOWN_AT_START) {
            broker.stop();
        }
        String problem = null;
        boolean discards = contender.sink() == Contender.Sink.NONE;
        try (DeliveryCounter counter = switch (contender.sink()) {
            case TOPIC -> new TopicCounter(broker.bootstrapServers(), topic, settings.partitions(), events);
            case FILE -> new FileCounter(dir.resolve(Contender.fileName()), events);
            case NONE -> new NoCounter(events);
        }) {
            Child child = Child.start(command(contender, threads, events, topic, dir), dir.resolve("contender.out"));
            Thread outage = null;
            if (scenario == Scenario.OUTAGE_MID_RUN) {
                outage = new Thread(() -> outage(child), "bench-outage");
                outage.start();
            }
            Map<String, String> logged = child.await("logged", TimeUnit.SECONDS.toNanos(settings.capSeconds() + 120));
            if (outage != null) {
                outage.join();
            }
            long loggedAt = System.nanoTime();
            if (logged == null) {
                problem = "the contender JVM did not finish logging (see " + dir.resolve("contender.out") + ")";
                logged = Map.of();
            }
            if (!broker.isRunning()) {
                broker.restart();
            }
            if (!discards) {
                awaitDelivery(counter, loggedAt, settings.settleNanos());
            }
            boolean complete = counter.completeNanos() != 0;
            int distinctAtEnd = counter.distinct();
            long end = complete ? counter.completeNanos() : counter.lastNewNanos();
            long start = logged.containsKey("startNanos") ? Long.parseLong(logged.get("startNanos")) : 0;
            long wall = end == 0 || start == 0 ? 0 : end - start;

            child.send("stop");
            Map<String, String> done = child.await("done", TimeUnit.SECONDS.toNanos(60));
            if (done == null) {
                done = Map.of();
                problem = problem != null ? problem : "the contender JVM did not stop in time";
            }
            child.finish();
            // events a contender sends while stopping still count as delivered (not for the rate above)
            if (!discards) {
                awaitDelivery(counter, System.nanoTime(), TimeUnit.SECONDS.toNanos(2));
            }
            if (counter.failure() != null) {
                problem = "counting failed: " + counter.failure();
            }
            long lost = discards ? 0 : lost(logged.getOrDefault("returned", ""), counter);
            int fallback =
                    contender.hasFallbackFile() ? FileCounter.distinctIn(dir.resolve("fallback.log"), events) : -1;
            return new RunResult(
                    scenario,
                    contender,
                    threads,
                    events,
                    logged,
                    done,
                    distinctAtEnd,
                    wall,
                    complete,
                    counter.distinct(),
                    counter.duplicates(),
                    lost,
                    fallback,
                    problem);
        } finally {
            if (!broker.isRunning()) {
                broker.restart();
            }
        }
    }

    /**
     * Events of calls that returned and that the counter has not seen; {@code returned} is the contender's
     * {@code from+count,...}, one range of sequence numbers per thread.
     */
    static long lost(String returned, DeliveryCounter counter) {
        long lost = 0;
        for (String range : returned.split(",")) {
            int plus = range.indexOf('+');
            if (plus > 0) {
                int from = Integer.parseInt(range.substring(0, plus));
                int count = Integer.parseInt(range.substring(plus + 1));
                lost += count - counter.countedIn(from, from + count);
            }
        }
        return lost;
    }

    /** Stops the broker {@value #OUTAGE_AFTER_SECONDS} s after the contender is ready, for {@value #OUTAGE_SECONDS} s. */
    private void outage(Child child) {
        try {
            if (child.await("ready", TimeUnit.SECONDS.toNanos(60)) == null) {
                return;
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(OUTAGE_AFTER_SECONDS));
            child.send("outage-start");
            broker.stop();
            Thread.sleep(TimeUnit.SECONDS.toMillis(OUTAGE_SECONDS));
            broker.restart();
            child.send("outage-end");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Until every event is counted, or nothing new arrived for {@code settle}, or the delivery timeout. */
    void awaitDelivery(DeliveryCounter counter, long since, long settle) throws InterruptedException {
        while (counter.completeNanos() == 0 && counter.failure() == null) {
            long now = System.nanoTime();
            long quietSince = Math.max(since, counter.lastNewNanos());
            if (now - quietSince > settle || now - since > settings.deliveryTimeoutNanos()) {
                return;
            }
            Thread.sleep(10);
        }
    }

    private List<String> command(Contender contender, int threads, int events, String topic, Path dir) {
        return command(
                contender,
                topic,
                dir,
                List.of(),
                ContenderRun.class,
                String.valueOf(events),
                String.valueOf(threads),
                String.valueOf(settings.capSeconds()));
    }

    /** A contender's JVM: {@code main} with the contender's id, then {@code args}. */
    List<String> command(
            Contender contender, String topic, Path dir, List<String> properties, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.addAll(settings.jvmFlags());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dlogback.configurationFile=" + contender.logbackConfig());
        command.add("-Dbench.bootstrap=" + broker.bootstrapServers());
        command.add("-Dbench.topic=" + topic);
        command.add("-Dbench.dir=" + dir.toAbsolutePath());
        if (settings.rate() > 0) {
            command.add("-Dbench.rate=" + settings.rate());
        }
        command.addAll(properties);
        command.add(main.getName());
        command.add(contender.id());
        command.addAll(List.of(args));
        return command;
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The contender's JVM: its {@code BENCH} lines by phase, everything it prints copied to a file. */
    static final class Child {
        private final Process process;
        private final PrintWriter stdin;
        private final Map<String, Map<String, String>> phases = new HashMap<>();

        private Child(Process process) {
            this.process = process;
            OutputStream in = process.getOutputStream();
            this.stdin = new PrintWriter(in, true, StandardCharsets.UTF_8);
        }

        static Child start(List<String> command, Path output) throws IOException {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            Child child = new Child(process);
            Thread reader = new Thread(() -> child.read(output), "bench-child-output");
            reader.setDaemon(true);
            reader.start();
            return child;
        }

        private void read(Path output) {
            try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter copy = new PrintWriter(Files.newBufferedWriter(output))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    copy.println(line);
                    copy.flush();
                    if (line.startsWith("BENCH ")) {
                        phase(line);
                    }
                }
            } catch (IOException e) {
                // the process is gone; await() times out and reports it
            }
        }

        private synchronized void phase(String line) {
            String[] parts = line.split(" ");
            Map<String, String> figures = new HashMap<>();
            for (int i = 2; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                if (eq > 0) {
                    figures.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
                }
            }
            phases.put(parts[1], figures);
            notifyAll();
        }

        synchronized Map<String, String> await(String phase, long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (!phases.containsKey(phase)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && !phases.containsKey(phase)) {
                    if (!process.isAlive()) {
                        wait(200); // the last lines may still be on their way
                    }
                    return phases.get(phase);
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
            return phases.get(phase);
        }

        void send(String line) {
            stdin.println(line);
        }

        /** SIGKILL on Linux: the JVM gets no chance to run anything, as with {@code kill -9}. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        void finish() throws InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
