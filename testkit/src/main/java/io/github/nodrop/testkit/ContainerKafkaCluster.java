package io.github.nodrop.testkit;

import java.io.IOException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A broker in a Docker container (Testcontainers' {@code apache/kafka} image), for where a Docker engine
 * runs. {@link #dockerAvailable()} tells whether one does; tests call {@code assumeTrue} on it so they are
 * skipped, not failed, without Docker. Testcontainers is an optional dependency of the testkit: add
 * {@code org.testcontainers:kafka} to use this class.
 */
public final class ContainerKafkaCluster implements KafkaCluster {

    /**
     * The image used unless another is given: Apache Kafka's own, at the version of the kafka-clients on the
     * class path, which is the version of the in-process broker, so both kinds of test run the same Kafka.
     */
    public static final String DEFAULT_IMAGE = "apache/kafka:" + kafkaVersion();

    private final KafkaContainer container;

    private ContainerKafkaCluster(KafkaContainer container) {
        this.container = container;
    }

    /** Whether a Docker engine answers; never throws. */
    public static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Starts a broker container from {@link #DEFAULT_IMAGE}. */
    public static ContainerKafkaCluster start() {
        return start(DEFAULT_IMAGE);
    }

    /** Starts a broker container from the given image. */
    public static ContainerKafkaCluster start(String image) {
        KafkaContainer container = new KafkaContainer(image);
        container.start();
        return new ContainerKafkaCluster(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }

    @Override
    public String toString() {
        return "Kafka container at " + bootstrapServers();
    }

    /** The version kafka-clients was built as ({@code kafka/kafka-version.properties} in its jar). */
    static String kafkaVersion() {
        java.util.Properties properties = new java.util.Properties();
        try (java.io.InputStream in = org.apache.kafka.clients.producer.KafkaProducer.class.getResourceAsStream(
                "/kafka/kafka-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // fall through to the version this testkit was built with
        }
        return properties.getProperty("version", "4.4.0");
    }
}
