package io.github.nodrop.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM on
 * 127.0.0.1.
 *
 * <p>Each instance owns three free ports (client, internal and controller listeners) and a temporary
 * directory. The client listener is plaintext unless a {@link BrokerSecurity} says otherwise.
 * {@link #stop()} takes the broker away; {@link #restart()} brings it back on the same ports with the
 * same data, so clients keep their bootstrap address across an outage. {@link #close()} stops the
 * broker and deletes the directory. Instances are independent: several may run in one JVM.
 *
 * <p>Not thread-safe: one test thread drives the lifecycle.
 */
public final class EmbeddedKafkaBroker implements KafkaCluster {

    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path directory;
    private final int brokerPort;
    private final int controllerPort;
    private final int internalPort;
    private final Map<String, String> overrides;
    private final BrokerSecurity security;
    private KafkaRaftServer server;
    private boolean formatted;

    private EmbeddedKafkaBroker(BrokerSecurity security, Map<String, String> overrides) {
        this.security = security;
        this.overrides = Map.copyOf(overrides);
        try {
            this.directory = Files.createTempDirectory("nodrop-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker's temporary directory", e);
        }
        int[] ports = freePorts(3);
        this.brokerPort = ports[0];
        this.controllerPort = ports[1];
        this.internalPort = ports[2];
    }

    private EmbeddedKafkaBroker(Path directory, int[] ports) {
        this.security = BrokerSecurity.plaintext();
        this.overrides = Map.of();
        this.directory = directory;
        this.brokerPort = ports[0];
        this.controllerPort = ports[1];
        this.internalPort = ports[2];
        this.formatted = Files.exists(directory.resolve("server.properties"));
    }

    /**
     * Starts a plaintext broker in this directory on these three ports (client, controller, internal),
     * formatting the directory on first use: how {@link ForkedKafkaBroker}'s child process runs it.
     */
    static EmbeddedKafkaBroker startAt(Path directory, int[] ports) {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(directory, ports);
        try {
            broker.startServer();
            return broker;
        } catch (RuntimeException | Error e) {
            broker.stop();
            throw e;
        }
    }

    /** Distinct free ports on 127.0.0.1. */
    static int[] freePorts(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            int port = freePort();
            for (int j = 0; j < i; j++) {
                if (ports[j] == port) {
                    port = freePort();
                    j = -1;
                }
            }
            ports[i] = port;
        }
        return ports;
    }

    /** Starts a broker with default settings and waits until it serves clients. */
    public static EmbeddedKafkaBroker start() {
        return start(Map.of());
    }

    /** Starts a broker with these server properties on top of the defaults, and waits until it serves clients. */
    public static EmbeddedKafkaBroker start(Map<String, String> serverProperties) {
        return start(BrokerSecurity.plaintext(), serverProperties);
    }

    /** Starts a broker whose client listener is secured as given, and waits until it serves clients. */
    public static EmbeddedKafkaBroker start(BrokerSecurity security) {
        return start(security, Map.of());
    }

    /** Starts a secured broker with these server properties on top of the defaults. */
    public static EmbeddedKafkaBroker start(BrokerSecurity security, Map<String, String> serverProperties) {
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(security, serverProperties);
        try {
            broker.startServer();
            return broker;
        } catch (RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    @Override
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** How clients must connect. */
    public BrokerSecurity security() {
        return security;
    }

    /** Client properties with this broker's address and, when secured, the right credentials. */
    @Override
    public Properties clientProperties() {
        Properties props = KafkaCluster.super.clientProperties();
        props.putAll(security.clientProperties());
        return props;
    }

    /** The port clients connect to. */
    public int port() {
        return brokerPort;
    }

    /** Where the broker keeps its data. */
    public Path directory() {
        return directory;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    @Override
    public boolean canRestart() {
        return true;
    }

    @Override
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer running = server;
        server = null;
        running.shutdown();
        running.awaitShutdown();
    }

    @Override
    public synchronized void restart() {
        stop();
        startServer();
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            deleteRecursively(directory);
        }
    }

    private synchronized void startServer() {
        Properties props = serverProperties();
        if (!formatted) {
            format(props);
            formatted = true;
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        awaitPortsFree(deadline);
        KafkaRaftServer candidate = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            candidate.startup();
        } catch (RuntimeException e) {
            candidate.shutdown();
            candidate.awaitShutdown();
            throw new IllegalStateException("embedded Kafka broker failed to start in " + directory, e);
        }
        server = candidate;
        awaitReady(deadline);
    }

    private Properties serverProperties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        // clients use CLIENT (secured as asked); the broker talks to itself over plaintext INTERNAL
        props.put(
                "listeners",
                "CLIENT://" + HOST + ":" + brokerPort + ",INTERNAL://" + HOST + ":" + internalPort + ",CONTROLLER://"
                        + HOST + ":" + controllerPort);
        props.put(
                "advertised.listeners",
                "CLIENT://" + HOST + ":" + brokerPort + ",INTERNAL://" + HOST + ":" + internalPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "INTERNAL");
        props.put(
                "listener.security.protocol.map",
                "CLIENT:" + security.protocol() + ",INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.putAll(security.serverProperties("client", directory));
        props.put("log.dirs", directory.resolve("data").toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "4");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "true");
        // two cores: keep the broker's thread pools and buffers small
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("num.recovery.threads.per.data.dir", "1");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        props.put("log.cleaner.threads", "1");
        // a restart re-registers at once only if the controller saw the old incarnation leave
        props.put("broker.session.timeout.ms", "3000");
        props.put("broker.heartbeat.interval.ms", "500");
        overrides.forEach(props::put);
        return props;
    }

    private void format(Properties props) {
        Path config = directory.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "nodrop embedded broker");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            java.util.List<String> args = new java.util.ArrayList<>(
                    java.util.List.of("format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
            args.addAll(security.formatArguments());
            exit = StorageTool.execute(args.toArray(new String[0]), print);
        }
        if (exit != 0) {
            throw new IllegalStateException(
                    "formatting the broker's storage failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void awaitReady(long deadline) {
        Properties props = clientProperties();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        try (Admin admin = Admin.create(props)) {
            Exception last = null;
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(2, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the broker", e);
                } catch (Exception e) {
                    last = e;
                }
            }
            throw new IllegalStateException("embedded Kafka broker not ready within " + START_TIMEOUT, last);
        }
    }

    /** After a stop the old sockets may linger for a moment; a restart must get the same ports back. */
    private void awaitPortsFree(long deadline) {
        for (int port : new int[] {brokerPort, controllerPort, internalPort}) {
            while (!canBind(port)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("port " + port + " on " + HOST + " is taken by another process");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is not worth failing a test run for
        }
    }

    @Override
    public String toString() {
        return "embedded Kafka at " + bootstrapServers() + " (" + security + ", " + directory + ")";
    }
}
