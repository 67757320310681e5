package io.github.nodrop.transformer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The command line: {@code java -jar nodrop-transformer-<version>-all.jar --bootstrap-servers ... --input
 * ... --output ...}. Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM), 2 for bad arguments or
 * configuration, 1 when the transformer stops on an error it cannot get past.
 */
@Command(
        name = "nodrop-transformer",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Consumes JSON log events, adds \"hash\" (the lowercase hex MD5 of each record's original value bytes)"
                    + " and produces them to another topic. Records that are not JSON objects go to the dead-letter"
                    + " topic. Stops cleanly on SIGINT/SIGTERM after draining and committing.",
            ""
        })
public final class Cli implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int BAD_CONFIG = 2;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT",
            description = "Kafka to read from and write to (required).")
    String bootstrapServers;

    @Option(names = "--input", paramLabel = "TOPIC", description = "Topic of log events to read (required).")
    String input;

    @Option(names = "--output", paramLabel = "TOPIC", description = "Topic the enriched events go to (required).")
    String output;

    @Option(
            names = "--group-id",
            paramLabel = "ID",
            description = "Consumer group; run more instances with the same id to scale out. Default: "
                    + TransformerConfig.DEFAULT_GROUP_ID + ".")
    String groupId;

    @Option(
            names = "--mode",
            paramLabel = "MODE",
            description = "serial, pipeline or worker (at least once; exactly once enriches on the polling thread)."
                    + " Default: pipeline.")
    String mode;

    @Option(
            names = "--workers",
            paramLabel = "N",
            description = "Worker threads in worker mode. Default: the number of cores, at least 2.")
    Integer workers;

    @Option(names = "--dlq", paramLabel = "TOPIC", description = "Dead-letter topic. Default: <input>.dlq.")
    String dlq;

    @Option(
            names = "--guarantee",
            paramLabel = "G",
            description = "at-least-once or exactly-once. Default: at-least-once.")
    String guarantee;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "A properties file with the same settings (bootstrap.servers, input, output, group.id, mode, workers, dlq, guarantee, stats.interval, commit.interval, shutdown.timeout, instance.id, key.by.hash, metrics.port, metrics.address) and consumer.* / producer.* client properties. A flag you type wins over the file; an unknown key is refused.")
    Path config;

    @Option(
            names = "--consumer-property",
            paramLabel = "K=V",
            description = "A Kafka consumer setting (SASL, SSL, ...); repeatable.")
    List<String> consumerProperties = new ArrayList<>();

    @Option(
            names = "--producer-property",
            paramLabel = "K=V",
            description = "A Kafka producer setting (SASL, SSL, ...); repeatable.")
    List<String> producerProperties = new ArrayList<>();

    @Option(
            names = "--stats-interval",
            paramLabel = "DURATION",
            description = "How often to print a status line (5s, 500ms, 1m; a bare number is milliseconds; 0 for"
                    + " never). Default: 5s.")
    String statsInterval;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Serve /metrics (Prometheus text format: the transformer's counters and lag, and the Kafka"
                    + " clients' metrics) and /health on this port; 0 takes a free port, printed at start."
                    + " Default: off.")
    Integer metricsPort;

    @Option(
            names = "--metrics-address",
            paramLabel = "ADDRESS",
            description = "The address the metrics endpoint listens on. Default: 0.0.0.0 (every interface).")
    String metricsAddress;

    @Option(
            names = "--instance-id",
            paramLabel = "ID",
            description = "Names this instance in its group; exactly-once uses it in a stable transactional.id, so a"
                    + " restart fences the instance it replaces at once. Instances on one host need different ids."
                    + " Default: the consumer's group.instance.id, else the host name.")
    String instanceId;

    @Option(
            names = "--commit-interval",
            paramLabel = "DURATION",
            description = "At least once: how often acknowledged offsets are committed; exactly once: how long a"
                    + " transaction runs. Default: 200ms.")
    String commitInterval;

    @Option(
            names = "--shutdown-timeout",
            paramLabel = "DURATION",
            description = "How long a shutdown may drain and commit before it gives up (what is not committed is"
                    + " read again at the next start). Default: 30s.")
    String shutdownTimeout;

    @Option(
            names = "--key-by-hash",
            description =
                    "Set each output record's key to its hash (for de-duplication and compaction). Default: keep the input key.")
    boolean keyByHash;

    private final PrintStream err;

    Cli(PrintStream err) {
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine commandLine = new CommandLine(new Cli(err));
        commandLine.setOut(new java.io.PrintWriter(out, true));
        commandLine.setErr(new java.io.PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            err.println("nodrop-transformer: " + e.getMessage());
            return e instanceof IllegalArgumentException ? BAD_CONFIG : FAILED;
        });
        return commandLine.execute(args);
    }

    @Override
    public Integer call() {
        TransformerConfig settings;
        try {
            settings = settings();
        } catch (IllegalArgumentException e) {
            err.println("nodrop-transformer: " + e.getMessage());
            return BAD_CONFIG;
        }
        Transformer transformer = new Transformer(settings, err);
        Thread hook = new Thread(
                () -> {
                    transformer.close();
                    // a signal makes the JVM exit with 128+signal; a clean drain is a clean exit
                    Runtime.getRuntime().halt(transformer.failure() == null ? OK : FAILED);
                },
                "nodrop-transformer-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        err.println("nodrop-transformer: starting: " + settings);
        try {
            transformer.run();
            return OK;
        } catch (RuntimeException e) {
            // the summary line (with the failure) is printed already; this is the cause, once more, for the exit
            err.println("nodrop-transformer: exiting with 1: " + e.getMessage());
            return FAILED;
        }
    }

    /** A flag the user typed wins over the properties file, which wins over the default. */
    TransformerConfig settings() {
        Properties file = new Properties();
        if (config != null) {
            try (InputStream in = Files.newInputStream(config)) {
                file.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("--config '" + config + "' cannot be read: " + e.getMessage());
            }
        }
        TransformerConfig.Builder builder = TransformerConfig.builder()
                .bootstrapServers(pick(bootstrapServers, file, "bootstrap.servers", null))
                .input(pick(input, file, "input", null))
                .output(pick(output, file, "output", null))
                .groupId(pick(groupId, file, "group.id", TransformerConfig.DEFAULT_GROUP_ID))
                .dlq(pick(dlq, file, "dlq", null))
                .instanceId(pick(instanceId, file, "instance.id", null));
        List<String> problems = new ArrayList<>();
        for (String name : file.stringPropertyNames()) {
            if (!FILE_KEYS.contains(name) && !name.startsWith("consumer.") && !name.startsWith("producer.")) {
                problems.add("unknown setting '" + name + "' in " + config + " (the file takes "
                        + String.join(", ", FILE_KEYS) + ", and consumer.* / producer.* client properties)");
            }
        }
        String keyByHashText = file.getProperty("key.by.hash", "false").trim();
        if (!keyByHashText.equalsIgnoreCase("true") && !keyByHashText.equalsIgnoreCase("false")) {
            problems.add("key.by.hash '" + keyByHashText + "' in " + config + " is not true or false");
        }
        builder.keyByHash(keyByHash || keyByHashText.equalsIgnoreCase("true"));
        try {
            builder.mode(Mode.parse(pick(mode, file, "mode", "pipeline")));
        } catch (IllegalArgumentException e) {
            problems.add(
                    mode != null || config == null ? "--" + e.getMessage() : e.getMessage() + " (in " + config + ")");
        }
        try {
            builder.guarantee(Guarantee.parse(pick(guarantee, file, "guarantee", "at-least-once")));
        } catch (IllegalArgumentException e) {
            problems.add(
                    guarantee != null || config == null
                            ? "--" + e.getMessage()
                            : e.getMessage() + " (in " + config + ")");
        }
        String portText = metricsPort != null ? metricsPort.toString() : file.getProperty("metrics.port");
        if (portText != null) {
            try {
                builder.metricsPort(Integer.parseInt(portText.trim()));
            } catch (NumberFormatException e) {
                problems.add(
                        named(metricsPort, "--metrics-port", "metrics.port") + " '" + portText + "' is not a number");
            }
        }
        builder.metricsAddress(pick(metricsAddress, file, "metrics.address", "0.0.0.0"));
        String workerText = workers != null ? workers.toString() : file.getProperty("workers");
        if (workerText != null) {
            try {
                builder.workers(Integer.parseInt(workerText.trim()));
            } catch (NumberFormatException e) {
                problems.add(named(workers, "--workers", "workers", workerText) + " is not a number");
            }
        }
        duration(
                named(statsInterval, "--stats-interval", "stats.interval"),
                pick(statsInterval, file, "stats.interval", "5s"),
                problems,
                builder::statsInterval);
        duration(
                named(commitInterval, "--commit-interval", "commit.interval"),
                pick(commitInterval, file, "commit.interval", "200ms"),
                problems,
                builder::commitInterval);
        duration(
                named(shutdownTimeout, "--shutdown-timeout", "shutdown.timeout"),
                pick(shutdownTimeout, file, "shutdown.timeout", "30s"),
                problems,
                builder::shutdownTimeout);
        for (String name : file.stringPropertyNames()) {
            if (name.startsWith("consumer.")) {
                builder.consumerProperty(name.substring("consumer.".length()), file.getProperty(name));
            } else if (name.startsWith("producer.")) {
                builder.producerProperty(name.substring("producer.".length()), file.getProperty(name));
            }
        }
        keyValues("--consumer-property", consumerProperties, problems, builder::consumerProperty);
        keyValues("--producer-property", producerProperties, problems, builder::producerProperty);
        try {
            TransformerConfig built = builder.build();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return built;
        } catch (TransformerConfig.InvalidConfigException e) {
            problems.add(e.getMessage());
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static void duration(
            String flag, String text, List<String> problems, java.util.function.Consumer<Duration> target) {
        try {
            target.accept(io.github.nodrop.core.ConfigValues.parseDuration(text));
        } catch (IllegalArgumentException e) {
            problems.add(flag + " " + e.getMessage());
        }
    }

    private static void keyValues(
            String flag,
            List<String> entries,
            List<String> problems,
            java.util.function.BiConsumer<String, Object> target) {
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                problems.add(flag + " '" + entry + "' is not of the form name=value");
            } else {
                target.accept(
                        entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
            }
        }
    }

    /** The keys a --config file takes besides consumer.* and producer.*. */
    static final List<String> FILE_KEYS = List.of(
            "bootstrap.servers",
            "input",
            "output",
            "group.id",
            "instance.id",
            "dlq",
            "guarantee",
            "mode",
            "workers",
            "key.by.hash",
            "stats.interval",
            "commit.interval",
            "shutdown.timeout",
            "metrics.port",
            "metrics.address");

    /** How an error names a setting: the flag when typed, else the key and the file it came from. */
    private String named(Object typed, String flag, String key) {
        return typed != null || config == null ? flag : key + " in " + config + ":";
    }

    /** The same with the value: {@code --workers 'x'}, or {@code workers 'x' in FILE}. */
    private String named(Object typed, String flag, String key, String value) {
        return typed != null || config == null ? flag + " '" + value + "'" : key + " '" + value + "' in " + config;
    }

    /** The typed flag (options have no picocli defaults, so null means not typed), else the file, else the default. */
    private static String pick(String flag, Properties file, String key, String defaultValue) {
        return flag != null ? flag : file.getProperty(key, defaultValue);
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"nodrop-transformer " + (version == null ? "(development build)" : version)};
        }
    }
}
