package io.github.nodrop.transformer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The validated settings of one transformer. {@link Builder#build()} reports every problem at once,
 * naming the setting; values of secret properties never appear in messages.
 */
public final class TransformerConfig {

    public static final String DEFAULT_GROUP_ID = "nodrop-transformer";
    public static final Mode DEFAULT_MODE = Mode.PIPELINE;
    public static final Guarantee DEFAULT_GUARANTEE = Guarantee.AT_LEAST_ONCE;
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(5);
    /** At least once: how often acknowledged offsets are committed; exactly once: how long a transaction runs. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(200);

    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_QUEUE_RECORDS = 16_384;
    public static final long DEFAULT_QUEUE_BYTES = 16L << 20;

    final String bootstrapServers;
    final String input;
    final String output;
    final String groupId;
    final Mode mode;
    final int workers;
    final String dlq;
    final Guarantee guarantee;
    final Map<String, Object> consumerProperties;
    final Map<String, Object> producerProperties;
    final Duration statsInterval;
    final Duration commitInterval;
    final Duration shutdownTimeout;
    final boolean keyByHash;
    final int queueRecords;
    final long queueBytes;
    final String instanceId;
    /** The metrics endpoint's port (0: any free one), or -1 for none. */
    final int metricsPort;

    final String metricsAddress;

    private TransformerConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers.trim();
        this.input = b.input.trim();
        this.output = b.output.trim();
        this.groupId = b.groupId;
        this.mode = b.mode;
        this.workers = b.workers;
        this.dlq = b.dlq == null || b.dlq.isBlank() ? input + ".dlq" : b.dlq.trim();
        this.guarantee = b.guarantee;
        this.statsInterval = b.statsInterval;
        this.commitInterval = b.commitInterval;
        this.shutdownTimeout = b.shutdownTimeout;
        this.keyByHash = b.keyByHash;
        this.queueRecords = b.queueRecords;
        this.queueBytes = b.queueBytes;
        this.instanceId = b.instanceId != null && !b.instanceId.isBlank() ? b.instanceId.trim() : defaultInstanceId(b);
        this.metricsPort = b.metricsPort;
        this.metricsAddress = b.metricsAddress.trim();
        this.consumerProperties = Collections.unmodifiableMap(consumer(b));
        this.producerProperties = Collections.unmodifiableMap(producer(b));
    }

    private Map<String, Object> consumer(Builder b) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        if (guarantee == Guarantee.EXACTLY_ONCE) {
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        props.putAll(b.consumerProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private Map<String, Object> producer(Builder b) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        // a send waits at most this long for metadata or buffer space; the caller then tries again later
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        if (guarantee == Guarantee.EXACTLY_ONCE) {
            // stable per instance: a restart fences the killed predecessor and aborts its open transaction
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId + "-" + instanceId);
            // an instance that never comes back blocks read_committed readers this long at most
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "30000");
        } else {
            // an unreachable output is waited out rather than given up on: nothing is committed meanwhile
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
        }
        props.putAll(b.producerProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where nothing is set: the consumer's {@code group.instance.id}, else this host's name. */
    private static String defaultInstanceId(Builder b) {
        Object staticMember = b.consumerProperties.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        if (staticMember != null && !staticMember.toString().isBlank()) {
            return staticMember.toString().trim();
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "instance";
        }
    }

    /** The exactly-once producer's transactional.id. */
    String transactionalId() {
        return String.valueOf(producerProperties.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG));
    }

    /** The producer's buffer.memory. */
    long producerBufferMemory() {
        Object value = producerProperties.get(ProducerConfig.BUFFER_MEMORY_CONFIG);
        try {
            return value == null ? 32L << 20 : Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            return 32L << 20;
        }
    }

    /** Settings for the admin client that reads the output topics' limits: the consumer's connection settings. */
    Map<String, Object> adminProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : consumerProperties.entrySet()) {
            if (org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(entry.getKey())) {
                props.put(entry.getKey(), entry.getValue());
            }
        }
        props.put(org.apache.kafka.clients.admin.AdminClientConfig.CLIENT_ID_CONFIG, groupId + "-limits");
        return props;
    }

    /** The largest record the producer may send, from {@code max.request.size}. */
    int maxRequestSize() {
        Object value = producerProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        return value == null ? 1_048_576 : Integer.parseInt(value.toString().trim());
    }

    /** Thrown by {@link Builder#build()} with every problem found. */
    public static final class InvalidConfigException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(List<String> problems) {
            super(String.join("; ", problems));
        }
    }

    /** Settings as the command line, a properties file or code give them. */
    public static final class Builder {
        private final List<String> problems = new ArrayList<>();
        private String bootstrapServers;
        private String input;
        private String output;
        private String groupId = DEFAULT_GROUP_ID;
        private Mode mode = DEFAULT_MODE;
        private int workers = Math.max(2, Runtime.getRuntime().availableProcessors());
        private String dlq;
        private Guarantee guarantee = DEFAULT_GUARANTEE;
        private final Map<String, Object> consumerProperties = new LinkedHashMap<>();
        private final Map<String, Object> producerProperties = new LinkedHashMap<>();
        private Duration statsInterval = DEFAULT_STATS_INTERVAL;
        private Duration commitInterval = DEFAULT_COMMIT_INTERVAL;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private boolean keyByHash;
        private int queueRecords = DEFAULT_QUEUE_RECORDS;
        private long queueBytes = DEFAULT_QUEUE_BYTES;
        private String instanceId;
        private int metricsPort = -1;
        private String metricsAddress = "0.0.0.0";

        public Builder bootstrapServers(String value) {
            this.bootstrapServers = value;
            return this;
        }

        public Builder input(String value) {
            this.input = value;
            return this;
        }

        public Builder output(String value) {
            this.output = value;
            return this;
        }

        public Builder groupId(String value) {
            this.groupId = value;
            return this;
        }

        public Builder mode(Mode value) {
            this.mode = value;
            return this;
        }

        public Builder workers(int value) {
            this.workers = value;
            return this;
        }

        public Builder dlq(String value) {
            this.dlq = value;
            return this;
        }

        public Builder guarantee(Guarantee value) {
            this.guarantee = value;
            return this;
        }

        public Builder consumerProperty(String name, Object value) {
            consumerProperties.put(name, value);
            return this;
        }

        public Builder producerProperty(String name, Object value) {
            producerProperties.put(name, value);
            return this;
        }

        public Builder statsInterval(Duration value) {
            this.statsInterval = value;
            return this;
        }

        public Builder commitInterval(Duration value) {
            this.commitInterval = value;
            return this;
        }

        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = value;
            return this;
        }

        /**
         * Names this instance within its group; exactly-once uses it in the stable {@code transactional.id}.
         * Default: the consumer's {@code group.instance.id}, else the host name. Instances on one host need
         * different ids.
         */
        public Builder instanceId(String value) {
            this.instanceId = value;
            return this;
        }

        public Builder keyByHash(boolean value) {
            this.keyByHash = value;
            return this;
        }

        /**
         * Serves {@code /metrics} (Prometheus text format) and {@code /health} on this port; 0 takes any free
         * port ({@link Transformer#metricsPort()} tells which), -1 (the default) serves nothing.
         */
        public Builder metricsPort(int value) {
            this.metricsPort = value;
            return this;
        }

        /** The address the metrics endpoint listens on. Default: 0.0.0.0, every interface. */
        public Builder metricsAddress(String value) {
            this.metricsAddress = value;
            return this;
        }

        /** Bounds of each internal queue, in records and in bytes. */
        public Builder queueBounds(int records, long bytes) {
            this.queueRecords = records;
            this.queueBytes = bytes;
            return this;
        }

        /** Builds the config and a transformer for it. */
        public Transformer create() {
            return new Transformer(build());
        }

        public TransformerConfig build() {
            List<String> found = new ArrayList<>(problems);
            require(found, "--bootstrap-servers", bootstrapServers);
            require(found, "--input", input);
            require(found, "--output", output);
            require(found, "--group-id", groupId);
            if (input != null && output != null && input.trim().equals(output.trim())) {
                found.add("--output '" + output + "' must differ from --input");
            }
            for (String[] topic : new String[][] {{"--input", input}, {"--output", output}, {"--dlq", dlq}}) {
                if (topic[1] != null && !topic[1].isBlank() && !topic[1].trim().matches("[a-zA-Z0-9._-]{1,249}")) {
                    found.add(topic[0] + " '" + topic[1] + "' is not a legal Kafka topic name");
                }
            }
            if (mode == null) {
                found.add("--mode is required");
            }
            if (guarantee == null) {
                found.add("--guarantee is required");
            }
            if (workers < 1) {
                found.add("--workers '" + workers + "' must be at least 1");
            }
            if (statsInterval == null || statsInterval.isNegative()) {
                found.add("--stats-interval must be zero (off) or more");
            }
            if (queueRecords < 1 || queueBytes < 1024) {
                found.add("queue bounds must be at least 1 record and 1KB");
            }
            if (commitInterval == null || commitInterval.isNegative() || commitInterval.isZero()) {
                found.add("--commit-interval must be more than zero");
            }
            if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
                found.add("--shutdown-timeout must be zero or more");
            }
            if (metricsPort < -1 || metricsPort > 65_535) {
                found.add("--metrics-port '" + metricsPort + "' must be a port (0 for any free one)");
            }
            if (metricsAddress == null || metricsAddress.isBlank()) {
                found.add("--metrics-address must not be empty");
            }
            checkClientProperties(found);
            if (!found.isEmpty()) {
                throw new InvalidConfigException(found);
            }
            return new TransformerConfig(this);
        }

        private void checkClientProperties(List<String> found) {
            for (String name : consumerProperties.keySet()) {
                if (!ConsumerConfig.configNames().contains(name)) {
                    found.add("--consumer-property " + name + " is not a Kafka consumer setting");
                }
            }
            for (String name : producerProperties.keySet()) {
                if (!ProducerConfig.configNames().contains(name)) {
                    found.add("--producer-property " + name + " is not a Kafka producer setting");
                }
            }
            Object maxRequest = producerProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
            if (maxRequest != null) {
                try {
                    Integer.parseInt(maxRequest.toString().trim());
                } catch (NumberFormatException e) {
                    found.add("--producer-property max.request.size '" + maxRequest + "' is not a number");
                }
            }
        }

        private static void require(List<String> found, String name, String value) {
            if (value == null || value.isBlank()) {
                found.add(name + " is required");
            }
        }
    }

    /**
     * A property's value as it may be printed: hidden when Kafka's own definition of the setting says it is a
     * password (ssl.keystore.key, ssl.truststore.certificates, sasl.jaas.config, ...), or when its name looks
     * like a secret.
     */
    static String printable(String name, Object value) {
        return io.github.nodrop.core.ConfigValues.printable(name, value);
    }

    @Override
    public String toString() {
        Map<String, String> consumer = new LinkedHashMap<>();
        consumerProperties.forEach((k, v) -> consumer.put(k, printable(k, v)));
        Map<String, String> producer = new LinkedHashMap<>();
        producerProperties.forEach((k, v) -> producer.put(k, printable(k, v)));
        return "input=" + input + ", output=" + output + ", dlq=" + dlq + ", group=" + groupId + ", mode=" + mode
                + (mode == Mode.WORKER ? " (" + workers + " workers)" : "") + ", guarantee=" + guarantee
                + ", keyByHash=" + keyByHash + ", instance=" + instanceId
                + (metricsPort < 0 ? "" : ", metrics=" + metricsAddress + ":" + metricsPort) + ", consumer=" + consumer
                + ", producer=" + producer;
    }
}
