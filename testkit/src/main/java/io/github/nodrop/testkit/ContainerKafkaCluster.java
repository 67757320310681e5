package io.github.nodrop.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A broker in a Docker container (Testcontainers' {@code apache/kafka} image), for where a Docker engine
 * runs. {@link #dockerAvailable()} tells whether one does; tests call {@code assumeTrue} on it so they are
 * skipped, not failed, without Docker. Testcontainers is an optional dependency of the testkit: add
 * {@code org.testcontainers:kafka} to use this class.
 */
public final class ContainerKafkaCluster implements KafkaCluster {

    /** The image used unless another is given. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.1";

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
}
