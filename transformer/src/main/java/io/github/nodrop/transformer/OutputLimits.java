package io.github.nodrop.transformer;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The largest record the output and dead-letter topics take: each topic's {@code max.message.bytes},
 * read once at start, and the producer's {@code max.request.size}. A record over the limit is routed to
 * the dead-letter topic before it is ever sent: a refused record inside an idempotent or transactional
 * producer's batch fails its batch-mates, can make the producer split batches and lose its sequence, and
 * stalls the pipeline. When the limits cannot be read (no permission to describe the topics), the broker's
 * refusal is still handled, after the fact: at least once, the producer then runs without idempotence and
 * with one request in flight, so it can split a refused batch without losing its sequence (an idempotent
 * producer can loop on OUT_OF_ORDER_SEQUENCE_NUMBER after a split, and the output stops).
 */
final class OutputLimits {

    /** Kafka's default {@code max.message.bytes}. */
    static final int KAFKA_DEFAULT = 1_048_588;

    private static final int BATCH_OVERHEAD = 128;

    final int output;
    final int deadLetter;
    /** Whether the topics' limits were read, rather than assumed. */
    final boolean known;

    OutputLimits(int output, int deadLetter, boolean known) {
        this.output = output;
        this.deadLetter = deadLetter;
        this.known = known;
    }

    static OutputLimits read(TransformerConfig config, Clients clients, PrintStream status) {
        return read(config, clients, status, () -> false);
    }

    /**
     * The limits, read when Kafka answers: while it does not (a broker down at start) the read is repeated
     * until it does; an answer that refuses (no DescribeConfigs right) leaves them unknown. Gives up at once,
     * quietly, when {@code stopping} turns true (a SIGTERM while the broker cannot be reached must not wait
     * out the admin client's timeouts).
     */
    static OutputLimits read(
            TransformerConfig config,
            Clients clients,
            PrintStream status,
            java.util.function.BooleanSupplier stopping) {
        int request = config.maxRequestSize();
        int output = Math.min(request, KAFKA_DEFAULT);
        int deadLetter = output;
        Admin admin = null;
        try {
            admin = clients.admin(config.adminProperties());
            if (admin == null) {
                return new OutputLimits(output, deadLetter, false);
            }
            ConfigResource out = new ConfigResource(ConfigResource.Type.TOPIC, config.output);
            ConfigResource dlq = new ConfigResource(ConfigResource.Type.TOPIC, config.dlq);
            boolean told = false;
            while (true) {
                Map<ConfigResource, org.apache.kafka.common.KafkaFuture<Config>> configs =
                        admin.describeConfigs(List.of(out, dlq)).values();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                try {
                    output = Math.min(request, limit(configs.get(out), deadline, stopping));
                    deadLetter = Math.min(request, limit(configs.get(dlq), deadline, stopping));
                    if (told) {
                        status.println("nodrop-transformer: Kafka answered; read the limits of " + config.output
                                + " and " + config.dlq);
                    }
                    return new OutputLimits(output, deadLetter, true);
                } catch (java.util.concurrent.TimeoutException | NoAnswer e) {
                    // no broker to answer (down at start): nothing can be consumed or produced either, so wait
                    // for it rather than run the whole time without the limits
                    if (!told) {
                        status.println("nodrop-transformer: Kafka has not answered within 15 s (reading"
                                + " max.message.bytes of " + config.output + " and " + config.dlq
                                + "); waiting for it");
                        told = true;
                    }
                }
            }
        } catch (Stopping e) {
            return new OutputLimits(output, deadLetter, false);
        } catch (Exception e) {
            status.println("nodrop-transformer: cannot read max.message.bytes of " + config.output + " and "
                    + config.dlq + " (" + (e.getMessage() == null ? e.toString() : e.getMessage())
                    + "); records the broker refuses go to the dead-letter topic"
                    + " after the fact"
                    + (config.guarantee == Guarantee.AT_LEAST_ONCE
                            ? ", and the producer runs without idempotence, one request in flight, so it can split a"
                                    + " refused batch"
                            : ""));
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            if (admin != null) {
                // not the default close, which waits up to default.api.timeout.ms (60 s) for calls still pending
                admin.close(java.time.Duration.ZERO);
            }
        }
        return new OutputLimits(output, deadLetter, false);
    }

    /** The admin client gave up waiting for an answer. */
    private static final class NoAnswer extends Exception {
        private static final long serialVersionUID = 1L;

        NoAnswer() {
            super(null, null, false, false);
        }
    }

    /** The transformer is stopping: the limits are not needed any more. */
    private static final class Stopping extends Exception {
        private static final long serialVersionUID = 1L;

        Stopping() {
            super(null, null, false, false);
        }
    }

    /**
     * One topic's limit. A topic that does not exist yet will be created with the broker's defaults when
     * first written to (auto-creation), so it takes Kafka's default; any other failure (no right to describe,
     * a timeout) leaves the limits unknown.
     */
    private static int limit(
            org.apache.kafka.common.KafkaFuture<Config> future,
            long deadline,
            java.util.function.BooleanSupplier stopping)
            throws Exception {
        try {
            while (true) {
                if (stopping.getAsBoolean()) {
                    throw new Stopping();
                }
                long left = deadline - System.nanoTime();
                try {
                    return limit(future.get(
                            Math.max(1, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100))), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.TimeoutException e) {
                    if (left <= TimeUnit.MILLISECONDS.toNanos(100)) {
                        throw e;
                    }
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return KAFKA_DEFAULT;
            }
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new NoAnswer(); // the admin client's own timeout
            }
            throw e;
        }
    }

    private static int limit(Config config) {
        ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (entry == null || entry.value() == null) {
            return KAFKA_DEFAULT;
        }
        try {
            return Integer.parseInt(entry.value().trim());
        } catch (NumberFormatException e) {
            return KAFKA_DEFAULT;
        }
    }

    /**
     * The producer settings with {@code batch.size} no larger than the smaller topic takes: a batch of small
     * records then never exceeds a topic's limit, so the broker never refuses a batch whole (which makes the
     * producer split it and, with idempotence, can cost it its sequence numbers).
     */
    java.util.Map<String, Object> withBatchesThatFit(java.util.Map<String, Object> producer, Guarantee guarantee) {
        java.util.Map<String, Object> adjusted = new java.util.LinkedHashMap<>(producer);
        if (!known && guarantee == Guarantee.AT_LEAST_ONCE) {
            adjusted.put(org.apache.kafka.clients.producer.ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            adjusted.put(org.apache.kafka.clients.producer.ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        }
        Object configured = producer.get(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG);
        long batch = configured == null
                ? 16_384
                : Long.parseLong(configured.toString().trim());
        long fits = Math.max(1024, Math.min(output, deadLetter) - 2 * BATCH_OVERHEAD);
        if (batch > fits) {
            adjusted.put(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(fits));
        }
        return adjusted;
    }

    /** Whether a record of this size fits in a batch of its own on that topic. */
    boolean fitsOutput(int bytes) {
        return bytes + BATCH_OVERHEAD <= output;
    }

    boolean fitsDeadLetter(int bytes) {
        return bytes + BATCH_OVERHEAD <= deadLetter;
    }
}
