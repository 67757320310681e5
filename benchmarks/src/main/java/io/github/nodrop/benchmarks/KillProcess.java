package io.github.nodrop.benchmarks;

import io.github.nodrop.testkit.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The kill scenario for one contender: its JVM logs at a steady rate, recording each call that returned in
 * a {@link ProgressFile}, until the harness kills it with SIGKILL (with the broker up, or stopped shortly
 * before); nodrop's contenders are then started again on the same directory ({@link RecoverRun}) to replay
 * what they kept; then every event whose call returned and that is not in the topic is lost by the kill.
 */
final class KillProcess {

    private final EmbeddedKafkaBroker broker;
    private final ContenderProcess process;
    private final ContenderProcess.Settings settings;
    private final Timing timing;

    /**
     * @param killAfterSeconds logging time before the kill
     * @param brokerDownSeconds how long before the kill the broker is stopped in {@link Scenario#KILL_BROKER_DOWN}
     * @param recoverSeconds how long the second JVM waits for its spool to drain
     */
    record Timing(long killAfterSeconds, long brokerDownSeconds, long recoverSeconds) {}

    /** {@code settings.rate()} is the total rate of the logging threads. */
    KillProcess(EmbeddedKafkaBroker broker, ContenderProcess.Settings settings, Timing timing) {
        this.broker = broker;
        this.process = new ContenderProcess(broker, settings);
        this.settings = settings;
        this.timing = timing;
    }

    RunResult run(Scenario scenario, Contender contender, int threads) throws Exception {
        String name = scenario.dirName() + "-" + contender.id() + "-" + threads + "t";
        String topic = "bench-" + name + "-" + Long.toHexString(System.nanoTime());
        Path dir = settings.workDir().resolve(name);
        ContenderProcess.deleteRecursively(dir);
        Files.createDirectories(dir);
        broker.createTopic(topic, settings.partitions());
        Path progress = dir.resolve("progress.bin");
        ProgressFile.create(progress, threads);
        // room for twice the planned calls, so no thread runs out of sequence numbers before the kill
        int events = (int) Math.min(Integer.MAX_VALUE / 2, (long) (settings.rate() * timing.killAfterSeconds() * 2));
        String problem = null;
        try (TopicCounter counter = new TopicCounter(broker.bootstrapServers(), topic, settings.partitions(), events)) {
            List<String> command = process.command(
                    contender,
                    topic,
                    dir,
                    List.of("-Dbench.progress=" + progress.toAbsolutePath()),
                    ContenderRun.class,
                    String.valueOf(events),
                    String.valueOf(threads),
                    String.valueOf(settings.capSeconds()));
            ContenderProcess.Child child = ContenderProcess.Child.start(command, dir.resolve("contender.out"));
            Map<String, String> logged = new HashMap<>();
            Map<String, String> done = new HashMap<>();
            long stopBegan = 0;
            long stopTook = 0;
            long killedAt;
            if (child.await("ready", TimeUnit.SECONDS.toNanos(60)) == null) {
                problem = "the contender JVM did not start (see " + dir.resolve("contender.out") + ")";
                child.kill();
                killedAt = System.nanoTime();
            } else {
                long readyAt = System.nanoTime();
                long killAt = readyAt + TimeUnit.SECONDS.toNanos(timing.killAfterSeconds());
                if (scenario == Scenario.KILL_BROKER_DOWN) {
                    sleepUntil(killAt - TimeUnit.SECONDS.toNanos(timing.brokerDownSeconds()));
                    stopBegan = System.nanoTime();
                    broker.stop();
                    stopTook = System.nanoTime() - stopBegan;
                }
                sleepUntil(killAt);
                child.send("snapshot"); // a killed JVM reports nothing: its figures so far, just before
                Map<String, String> snapshot = child.await("done", TimeUnit.SECONDS.toNanos(10));
                child.kill();
                killedAt = System.nanoTime();
                if (snapshot == null) {
                    problem = "the contender JVM did not report before the kill";
                } else {
                    Map<String, String> calls = child.await("logged", 0);
                    logged.putAll(calls == null ? Map.of() : calls);
                    done.putAll(snapshot);
                }
            }
            String returned = returned(ProgressFile.read(progress, threads), events, threads);
            logged.put("returned", returned);
            logged.put("completed", String.valueOf(sum(returned)));
            logged.put("killNanos", String.valueOf(killedAt));
            if (stopBegan != 0) {
                logged.put("brokerDownNanos", String.valueOf(killedAt - stopBegan));
                logged.put("brokerStopNanos", String.valueOf(stopTook));
            }
            if (!broker.isRunning()) {
                broker.restart();
            }
            process.awaitDelivery(counter, killedAt, settings.settleNanos());
            int beforeRecovery = counter.distinct();
            long lostBeforeRecovery = ContenderProcess.lost(returned, counter);
            logged.put("lostBeforeRecovery", String.valueOf(lostBeforeRecovery));
            if (contender.recovers() && problem == null) {
                problem = recover(contender, topic, dir, counter, done);
            }
            if (counter.failure() != null) {
                problem = "counting failed: " + counter.failure();
            }
            long start = Long.parseLong(logged.getOrDefault("startNanos", "0"));
            return new RunResult(
                    scenario,
                    contender,
                    threads,
                    (int) sum(returned),
                    logged,
                    done,
                    beforeRecovery,
                    start == 0 ? 0 : killedAt - start,
                    false,
                    counter.distinct(),
                    counter.duplicates(),
                    ContenderProcess.lost(returned, counter),
                    contender.hasFallbackFile() ? FileCounter.distinctIn(dir.resolve("fallback.log"), events) : -1,
                    problem);
        } finally {
            if (!broker.isRunning()) {
                broker.restart();
            }
        }
    }

    /**
     * Starts the contender again on the killed JVM's directory, adds its figures to {@code done} as {@code
     * recover.*}, and waits until what it replayed is counted. Returns a problem, or {@code null}.
     */
    private String recover(Contender contender, String topic, Path dir, TopicCounter counter, Map<String, String> done)
            throws Exception {
        List<String> command = process.command(
                contender, topic, dir, List.of(), RecoverRun.class, String.valueOf(timing.recoverSeconds()));
        ContenderProcess.Child again = ContenderProcess.Child.start(command, dir.resolve("recover.out"));
        Map<String, String> recovered = again.await("done", TimeUnit.SECONDS.toNanos(timing.recoverSeconds() + 90));
        again.finish();
        process.awaitDelivery(counter, System.nanoTime(), settings.settleNanos());
        if (recovered == null) {
            return "the recovering JVM did not finish (see " + dir.resolve("recover.out") + ")";
        }
        recovered.forEach((key, value) -> done.put("recover." + key, value));
        return null;
    }

    /** The calls that returned, as ContenderRun's {@code from+count,...}: thread t logs from events*t/threads. */
    private static String returned(long[] last, int events, int threads) {
        StringBuilder ranges = new StringBuilder();
        for (int t = 0; t < threads; t++) {
            long from = (long) events * t / threads;
            long count = last[t] < 0 ? 0 : last[t] - from + 1;
            ranges.append(t == 0 ? "" : ",").append(from).append('+').append(count);
        }
        return ranges.toString();
    }

    private static long sum(String returned) {
        long sum = 0;
        for (String range : returned.split(",")) {
            sum += Long.parseLong(range.substring(range.indexOf('+') + 1));
        }
        return sum;
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left = deadline - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
