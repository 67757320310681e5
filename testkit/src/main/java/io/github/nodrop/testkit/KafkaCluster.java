package io.github.nodrop.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A Kafka cluster a test can talk to: the in-process {@link EmbeddedKafkaBroker}, an external cluster
 * named by {@code KAFKA_BOOTSTRAP_SERVERS}, or a Testcontainers broker.
 *
 * <p>Only clusters that answer {@link #canRestart()} with {@code true} support {@link #stop()} and
 * {@link #restart()}; outage tests skip themselves on the others.
 */
public interface KafkaCluster extends AutoCloseable {

    /** The {@code bootstrap.servers} value clients use. */
    String bootstrapServers();

    /** Whether {@link #stop()} and {@link #restart()} are supported. */
    default boolean canRestart() {
        return false;
    }

    /** Whether the broker serves now: {@code false} only between {@link #stop()} and {@link #restart()}. */
    default boolean isRunning() {
        return true;
    }

    /** Takes the broker away; clients keep their bootstrap address and see it unreachable. */
    default void stop() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be stopped by a test");
    }

    /** Brings a stopped broker back on the same address, with the data it had. */
    default void restart() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be restarted by a test");
    }

    /** Client properties for an admin, producer or consumer of this cluster. */
    default Properties clientProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Creates a topic with the given partitions (replication factor 1) unless it exists, and waits for it. */
    default void createTopic(String name, int partitions) {
        Properties props = clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(java.util.List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic " + name + " not created within 30 s", e);
        }
    }

    /** Reads every record of a topic from the beginning, waiting until {@code expected} arrived or the deadline. */
    default java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> consume(
            String topic, int expected, Duration deadline) {
        return TopicReader.readAtLeast(this, topic, expected, deadline, Map.of());
    }

    /** Like {@link #consume(String, int, Duration)} with extra consumer settings (isolation.level, say). */
    default java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> consume(
            String topic, int expected, Duration deadline, Map<String, Object> consumerSettings) {
        return TopicReader.readAtLeast(this, topic, expected, deadline, consumerSettings);
    }

    /**
     * Every record in the topic up to its end as of the call (with {@code isolation.level=read_committed}
     * in the settings: up to the last stable offset), duplicates included.
     */
    default java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> consumeAll(
            String topic, Duration deadline, Map<String, Object> consumerSettings) {
        return TopicReader.readAll(this, topic, deadline, consumerSettings);
    }

    @Override
    default void close() {}
}
