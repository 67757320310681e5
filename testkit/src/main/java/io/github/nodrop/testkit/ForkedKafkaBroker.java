package io.github.nodrop.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The same single-node KRaft broker as {@link EmbeddedKafkaBroker}, run in a child JVM.
 *
 * <p>Two uses: tests whose own classpath holds a kafka-clients version the broker cannot run with
 * (kafka-clients 3.x in the compatibility matrix), and measurements that must not count the broker's
 * heap and threads as the application's (the soak). The child's classpath is the system property
 * {@value #CLASSPATH_PROPERTY} if set, else this JVM's own. Its output goes to {@code broker.log} in the
 * broker's directory.
 */
public final class ForkedKafkaBroker implements KafkaCluster {

    /** System property: the classpath to run the broker with, when this JVM's cannot. */
    public static final String CLASSPATH_PROPERTY = "nodrop.testkit.broker.classpath";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path directory;
    private final int[] ports;
    private final String classpath;
    private Process process;

    private ForkedKafkaBroker(Path directory, int[] ports, String classpath) {
        this.directory = directory;
        this.ports = ports;
        this.classpath = classpath;
    }

    /** Starts a broker in a child JVM and waits until it serves clients. */
    public static ForkedKafkaBroker start() {
        String classpath = System.getProperty(CLASSPATH_PROPERTY, System.getProperty("java.class.path"));
        Path directory;
        try {
            directory = Files.createTempDirectory("nodrop-forked-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's temporary directory", e);
        }
        ForkedKafkaBroker broker = new ForkedKafkaBroker(directory, EmbeddedKafkaBroker.freePorts(3), classpath);
        try {
            broker.launch();
            return broker;
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + ports[0];
    }

    /** The child JVM's process id, while it runs. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null;
    }

    @Override
    public boolean canRestart() {
        return true;
    }

    /** Stops the broker cleanly (the child exits once its standard input closes). */
    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process running = process;
        process = null;
        try {
            running.getOutputStream().close();
        } catch (IOException e) {
            // the child is gone already
        }
        try {
            if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                running.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.destroyForcibly();
        }
    }

    @Override
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            EmbeddedKafkaBroker.deleteRecursively(directory);
        }
    }

    private void launch() {
        Path ready = directory.resolve("ready");
        Path log = directory.resolve("broker.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(classpath);
        command.add(ForkedBrokerMain.class.getName());
        command.add(directory.toString());
        for (int port : ports) {
            command.add(String.valueOf(port));
        }
        try {
            Files.deleteIfExists(ready);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker's JVM: " + command, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(ready)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                process = null;
                throw new IllegalStateException("forked Kafka broker did not start within " + START_TIMEOUT
                        + "; the end of " + log + ":\n" + tail(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "forked Kafka at " + bootstrapServers() + " (" + directory + ")";
    }
}
