package io.github.nodrop.testkit;

/** A cluster the test does not own, named by {@code KAFKA_BOOTSTRAP_SERVERS}; it cannot be stopped. */
public final class ExternalKafkaCluster implements KafkaCluster {

    /** The environment variable that points the tests at an external cluster. */
    public static final String ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private final String bootstrapServers;

    public ExternalKafkaCluster(String bootstrapServers) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(ENV + " is empty");
        }
        this.bootstrapServers = bootstrapServers.trim();
    }

    /** The external cluster from the environment, or {@code null} when {@value #ENV} is not set. */
    public static ExternalKafkaCluster fromEnvironment() {
        String value = System.getenv(ENV);
        return value == null || value.isBlank() ? null : new ExternalKafkaCluster(value);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public String toString() {
        return "external Kafka at " + bootstrapServers;
    }
}
