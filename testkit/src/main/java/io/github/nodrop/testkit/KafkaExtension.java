package io.github.nodrop.testkit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Hands each test class a Kafka cluster: parameters of type {@link KafkaCluster} (or {@link
 * EmbeddedKafkaBroker}) in constructors, lifecycle methods and tests are resolved to it.
 *
 * <p>By default the cluster is a fresh {@link EmbeddedKafkaBroker} per test class, stopped and deleted
 * after the class; with {@code -Dnodrop.testkit.broker=forked}, the same broker in a child JVM. With
 * {@code KAFKA_BOOTSTRAP_SERVERS} set, the tests run against that cluster instead;
 * tests that need to stop the broker, or that ask for an {@code EmbeddedKafkaBroker}, are then skipped.
 *
 * <pre>{@code
 * @ExtendWith(KafkaExtension.class)
 * class MyIT {
 *     @Test
 *     void roundTrip(KafkaCluster kafka) { ... kafka.bootstrapServers() ... }
 * }
 * }</pre>
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);
    private static final String KEY = "cluster";

    /**
     * System property: {@code forked} runs the broker in a child JVM ({@link ForkedKafkaBroker}), for test
     * classpaths that hold a kafka-clients version the in-process broker cannot run with.
     */
    public static final String BROKER_PROPERTY = "nodrop.testkit.broker";

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaCluster.class || type == EmbeddedKafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        KafkaCluster cluster = cluster(extension);
        if (parameter.getParameter().getType() == EmbeddedKafkaBroker.class) {
            Assumptions.assumeTrue(
                    cluster instanceof EmbeddedKafkaBroker, "needs the embedded broker, running against " + cluster);
        }
        return cluster;
    }

    /** The cluster of the test class this context belongs to, started on first use. */
    public static KafkaCluster cluster(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        return classContext
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, key -> new Resource(startCluster()), Resource.class)
                .cluster;
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    private static KafkaCluster startCluster() {
        ExternalKafkaCluster external = ExternalKafkaCluster.fromEnvironment();
        if (external != null) {
            return external;
        }
        return "forked".equals(System.getProperty(BROKER_PROPERTY))
                ? ForkedKafkaBroker.start()
                : EmbeddedKafkaBroker.start();
    }

    /** Closes the cluster when the test class's store is closed. */
    private static final class Resource implements AutoCloseable {
        private final KafkaCluster cluster;

        Resource(KafkaCluster cluster) {
            this.cluster = cluster;
        }

        @Override
        public void close() {
            cluster.close();
        }
    }
}
