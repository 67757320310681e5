package io.github.nodrop.core;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The validated, immutable settings of one appender, built by a framework adapter from its own
 * configuration syntax. {@link Builder#build()} collects every problem at once and names the appender,
 * the setting and the bad value (secrets hidden), so a user fixes a broken configuration in one pass.
 */
public final class AppenderConfig {

    public static final int DEFAULT_BUFFER_SIZE = 8192;
    public static final long DEFAULT_BUFFER_BYTES = 16L << 20;
    public static final String DEFAULT_FALLBACK_DIR = "logs/kafka-fallback";
    public static final long DEFAULT_MAX_FALLBACK_FILE_SIZE = 64L << 20;
    public static final long DEFAULT_MAX_FALLBACK_TOTAL_SIZE = 1L << 30;
    public static final boolean DEFAULT_REPLAY_FALLBACK = true;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);
    public static final boolean DEFAULT_DURABLE = false;
    public static final long DEFAULT_JOURNAL_SIZE = 64L << 20;
    public static final Duration DEFAULT_JOURNAL_SYNC_INTERVAL = Duration.ZERO;
    public static final Overflow DEFAULT_OVERFLOW = Overflow.SPOOL;

    /**
     * Producer settings nodrop applies unless the user sets them. {@code max.block.ms} is short because
     * only the sender thread ever waits on it, and a long wait there only delays spooling; delivery and
     * request timeouts are shorter than Kafka's so an outage is noticed, and events spooled, in seconds.
     * Batching and compression favour throughput: log shipping can wait 10 ms.
     */
    public static final Map<String, String> PRODUCER_DEFAULTS;

    static {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        defaults.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        defaults.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        // logs compress several times over and lz4 costs little CPU: fewer bytes for the broker to take
        defaults.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        defaults.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        defaults.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        PRODUCER_DEFAULTS = Collections.unmodifiableMap(defaults);
    }

    private final String appenderName;
    private final String topic;
    private final Map<String, Object> producerConfig;
    private final Integer partition;
    private final int bufferSize;
    private final long bufferBytes;
    private final Path fallbackDir;
    private final long maxFallbackFileSize;
    private final long maxFallbackTotalSize;
    private final boolean replayFallback;
    private final Duration shutdownTimeout;
    private final Duration retryInterval;
    private final boolean durable;
    private final long journalSize;
    private final Duration journalSyncInterval;
    private final Overflow overflow;

    private AppenderConfig(Builder b, Map<String, Object> producerConfig) {
        this.appenderName = b.appenderName;
        this.topic = b.topic.trim();
        this.producerConfig = Collections.unmodifiableMap(producerConfig);
        this.partition = b.partition;
        this.bufferSize = b.bufferSize;
        this.bufferBytes = b.bufferBytes;
        this.fallbackDir = b.fallbackDir;
        this.maxFallbackFileSize = b.maxFallbackFileSize;
        this.maxFallbackTotalSize = b.maxFallbackTotalSize;
        this.replayFallback = b.replayFallback;
        this.shutdownTimeout = b.shutdownTimeout;
        this.retryInterval = b.retryInterval;
        this.durable = b.durable;
        this.journalSize = b.journalSize;
        this.journalSyncInterval = b.journalSyncInterval;
        this.overflow = b.overflow;
    }

    public static Builder builder(String appenderName) {
        return new Builder(appenderName);
    }

    public String appenderName() {
        return appenderName;
    }

    public String topic() {
        return topic;
    }

    /** Everything handed to the producer factory: nodrop's defaults overlaid by the user's settings. */
    public Map<String, Object> producerConfig() {
        return producerConfig;
    }

    /**
     * The settings of the replay producer: the same, with its own {@code client.id} and at most 16 MB of
     * {@code buffer.memory} (replay keeps at most half of it in flight).
     */
    public Map<String, Object> replayProducerConfig() {
        Map<String, Object> replay = new LinkedHashMap<>(producerConfig);
        replay.put(ProducerConfig.CLIENT_ID_CONFIG, producerConfig.get(ProducerConfig.CLIENT_ID_CONFIG) + "-replay");
        Object memory = producerConfig.get(ProducerConfig.BUFFER_MEMORY_CONFIG);
        long bytes =
                memory == null ? 32L << 20 : Long.parseLong(memory.toString().trim());
        replay.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(Math.min(bytes, 16L << 20)));
        return Collections.unmodifiableMap(replay);
    }

    /** A fixed partition for every record, or {@code null} to let the key (or Kafka) choose. */
    public Integer partition() {
        return partition;
    }

    public int bufferSize() {
        return bufferSize;
    }

    public long bufferBytes() {
        return bufferBytes;
    }

    public Path fallbackDir() {
        return fallbackDir;
    }

    public long maxFallbackFileSize() {
        return maxFallbackFileSize;
    }

    public long maxFallbackTotalSize() {
        return maxFallbackTotalSize;
    }

    public boolean replayFallback() {
        return replayFallback;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** How often the engine checks whether Kafka is back after a failure. */
    public Duration retryInterval() {
        return retryInterval;
    }

    /** Whether every accepted event is written to the journal before the logging call returns. */
    public boolean durable() {
        return durable;
    }

    /** The journal's capacity in bytes (durable mode). */
    public long journalSize() {
        return journalSize;
    }

    /** What a logging call does when the buffer and the spiller are both full. */
    public Overflow overflow() {
        return overflow;
    }

    /** How often the journal is flushed to the device for power loss; zero: never (a killed process loses nothing). */
    public Duration journalSyncInterval() {
        return journalSyncInterval;
    }

    /** Thrown by {@link Builder#build()} with every problem found; {@link #problems()} lists them. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        InvalidConfigException(List<String> problems) {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Collects settings as the framework reads them. Setters taking text parse it in {@link #build()},
     * so a bad value is reported with the others instead of failing the framework's config reader.
     */
    public static final class Builder {
        private final String appenderName;
        private final List<String> problems = new ArrayList<>();
        private String bootstrapServers;
        private String topic;
        private final Map<String, String> producerProperties = new LinkedHashMap<>();
        private Integer partition;
        private int bufferSize = DEFAULT_BUFFER_SIZE;
        private long bufferBytes = DEFAULT_BUFFER_BYTES;
        private Path fallbackDir = Paths.get(DEFAULT_FALLBACK_DIR);
        private long maxFallbackFileSize = DEFAULT_MAX_FALLBACK_FILE_SIZE;
        private long maxFallbackTotalSize = DEFAULT_MAX_FALLBACK_TOTAL_SIZE;
        private boolean replayFallback = DEFAULT_REPLAY_FALLBACK;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
        private boolean durable = DEFAULT_DURABLE;
        private long journalSize = DEFAULT_JOURNAL_SIZE;
        private Duration journalSyncInterval = DEFAULT_JOURNAL_SYNC_INTERVAL;
        private Overflow overflow = DEFAULT_OVERFLOW;

        private Builder(String appenderName) {
            this.appenderName = appenderName == null || appenderName.isBlank() ? "kafka" : appenderName;
        }

        public Builder bootstrapServers(String value) {
            this.bootstrapServers = value;
            return this;
        }

        public Builder topic(String value) {
            this.topic = value;
            return this;
        }

        /** One producer property; Kafka's own validation applies. */
        public Builder producerProperty(String name, String value) {
            if (name == null || name.isBlank()) {
                problems.add(problem("producerConfig", "has an entry without a name"));
            } else {
                producerProperties.put(name.trim(), value == null ? "" : value.trim());
            }
            return this;
        }

        /** A {@code name=value} line as Logback users write {@code <producerConfig>}. */
        public Builder producerProperty(String line) {
            int eq = line == null ? -1 : line.indexOf('=');
            if (eq <= 0) {
                problems.add(problem("producerConfig", "'" + line + "' is not of the form name=value"));
                return this;
            }
            return producerProperty(line.substring(0, eq), line.substring(eq + 1));
        }

        public Builder partition(Integer value) {
            this.partition = value;
            return this;
        }

        public Builder bufferSize(int value) {
            this.bufferSize = value;
            return this;
        }

        public Builder bufferBytes(String value) {
            size("bufferBytes", value, v -> this.bufferBytes = v);
            return this;
        }

        public Builder bufferBytes(long value) {
            this.bufferBytes = value;
            return this;
        }

        public Builder fallbackDir(String value) {
            if (value == null || value.isBlank()) {
                problems.add(problem("fallbackDir", "is empty"));
            } else {
                try {
                    this.fallbackDir = Paths.get(value.trim());
                } catch (RuntimeException e) {
                    problems.add(problem("fallbackDir", "'" + value + "' is not a path: " + e.getMessage()));
                }
            }
            return this;
        }

        public Builder fallbackDir(Path value) {
            this.fallbackDir = value;
            return this;
        }

        public Builder maxFallbackFileSize(String value) {
            size("maxFallbackFileSize", value, v -> this.maxFallbackFileSize = v);
            return this;
        }

        public Builder maxFallbackFileSize(long value) {
            this.maxFallbackFileSize = value;
            return this;
        }

        public Builder maxFallbackTotalSize(String value) {
            size("maxFallbackTotalSize", value, v -> this.maxFallbackTotalSize = v);
            return this;
        }

        public Builder maxFallbackTotalSize(long value) {
            this.maxFallbackTotalSize = value;
            return this;
        }

        public Builder replayFallback(boolean value) {
            this.replayFallback = value;
            return this;
        }

        public Builder shutdownTimeout(String value) {
            duration("shutdownTimeout", value, v -> this.shutdownTimeout = v);
            return this;
        }

        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = value;
            return this;
        }

        public Builder retryInterval(String value) {
            duration("retryInterval", value, v -> this.retryInterval = v);
            return this;
        }

        public Builder retryInterval(Duration value) {
            this.retryInterval = value;
            return this;
        }

        public Builder overflow(String value) {
            if (value != null) {
                try {
                    this.overflow = Overflow.parse(value);
                } catch (IllegalArgumentException e) {
                    problems.add(problem("overflow", e.getMessage()));
                }
            }
            return this;
        }

        public Builder overflow(Overflow value) {
            this.overflow = value;
            return this;
        }

        public Builder durable(boolean value) {
            this.durable = value;
            return this;
        }

        public Builder journalSize(String value) {
            size("journalSize", value, v -> this.journalSize = v);
            return this;
        }

        public Builder journalSize(long value) {
            this.journalSize = value;
            return this;
        }

        public Builder journalSyncInterval(String value) {
            duration("journalSyncInterval", value, v -> this.journalSyncInterval = v);
            return this;
        }

        public Builder journalSyncInterval(Duration value) {
            this.journalSyncInterval = value;
            return this;
        }

        /** Records a problem found by the adapter (a bad key pattern, say) so it is reported with the rest. */
        public Builder addProblem(String setting, String text) {
            problems.add(problem(setting, text));
            return this;
        }

        /** Validates everything and returns the config, or throws with every problem found. */
        public AppenderConfig build() {
            List<String> found = new ArrayList<>(problems);
            Map<String, Object> producer = ProducerSettings.resolve(this, found);
            if (topic == null || topic.isBlank()) {
                found.add(problem("topic", "is required"));
            } else if (!topic.trim().matches("[a-zA-Z0-9._-]{1,249}")) {
                found.add(problem(
                        "topic", "'" + topic + "' is not a legal Kafka topic name (letters, digits, '.', '_', '-')"));
            }
            if (partition != null && partition < 0) {
                found.add(problem("partition", "'" + partition + "' must be 0 or more"));
            }
            if (bufferSize < 2) {
                found.add(problem("bufferSize", "'" + bufferSize + "' must be at least 2"));
            }
            if (bufferBytes < 1024) {
                found.add(problem("bufferBytes", "'" + bufferBytes + "' must be at least 1KB"));
            }
            if (fallbackDir == null) {
                found.add(problem("fallbackDir", "is required"));
            }
            if (maxFallbackFileSize < 1024) {
                found.add(problem("maxFallbackFileSize", "'" + maxFallbackFileSize + "' must be at least 1KB"));
            }
            if (maxFallbackTotalSize < maxFallbackFileSize) {
                found.add(problem(
                        "maxFallbackTotalSize",
                        "'" + maxFallbackTotalSize + "' must be at least maxFallbackFileSize (" + maxFallbackFileSize
                                + ")"));
            }
            if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
                found.add(problem("shutdownTimeout", "must be zero or more"));
            }
            if (retryInterval == null || retryInterval.isNegative() || retryInterval.isZero()) {
                found.add(problem("retryInterval", "must be more than zero"));
            }
            if (journalSize < (1L << 20) || journalSize > (1L << 30)) {
                found.add(problem("journalSize", "'" + journalSize + "' must be between 1MB and 1GB"));
            }
            if (journalSyncInterval == null || journalSyncInterval.isNegative()) {
                found.add(problem("journalSyncInterval", "must be zero (never) or more"));
            }
            if (!found.isEmpty()) {
                throw new InvalidConfigException(found);
            }
            return new AppenderConfig(this, producer);
        }

        String appenderName() {
            return appenderName;
        }

        String bootstrapServers() {
            return bootstrapServers;
        }

        Map<String, String> producerProperties() {
            return producerProperties;
        }

        String problem(String setting, String text) {
            return "appender '" + appenderName + "': " + setting + " " + text;
        }

        private void size(String setting, String value, java.util.function.LongConsumer target) {
            try {
                target.accept(ConfigValues.parseSize(value));
            } catch (IllegalArgumentException e) {
                problems.add(problem(setting, e.getMessage()));
            }
        }

        private void duration(String setting, String value, java.util.function.Consumer<Duration> target) {
            try {
                target.accept(ConfigValues.parseDuration(value));
            } catch (IllegalArgumentException e) {
                problems.add(problem(setting, e.getMessage()));
            }
        }
    }

    @Override
    public String toString() {
        Map<String, String> printable = new LinkedHashMap<>();
        producerConfig.forEach((k, v) -> printable.put(k, ConfigValues.printable(k, v)));
        return "AppenderConfig{" + appenderName + ", topic=" + topic + ", producer=" + printable + ", partition="
                + partition + ", bufferSize=" + bufferSize + ", bufferBytes=" + bufferBytes + ", fallbackDir="
                + fallbackDir + ", maxFallbackFileSize=" + maxFallbackFileSize + ", maxFallbackTotalSize="
                + maxFallbackTotalSize + ", replayFallback=" + replayFallback + ", shutdownTimeout="
                + shutdownTimeout + ", overflow=" + overflow + ", durable=" + durable + ", journalSize=" + journalSize
                + ", journalSyncInterval="
                + journalSyncInterval + '}';
    }
}
