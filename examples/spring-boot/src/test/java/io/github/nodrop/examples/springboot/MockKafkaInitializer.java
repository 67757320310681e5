package io.github.nodrop.examples.springboot;

import io.github.nodrop.logback.KafkaAppender;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Restarts the {@code KAFKA} appender on a {@link MockProducer} that acknowledges every record at once, and
 * registers that producer as the bean {@code mockKafkaProducer} for the test to read.
 *
 * <p>Spring Boot has configured Logback from {@code logback-spring.xml} by the time initializers run, and the
 * application has not logged its first line yet: the appender keeps every setting of that file, and everything
 * the application logs goes to the mock. The producer the appender made at its first start is closed unused.
 */
class MockKafkaInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        KafkaAppender kafka = ExampleApplication.kafkaAppender(ExampleApplication.KAFKA_APPENDER);
        if (kafka == null) {
            throw new IllegalStateException("logback-spring.xml puts no KafkaAppender named '"
                    + ExampleApplication.KAFKA_APPENDER + "' on the root logger");
        }
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        kafka.stop();
        kafka.setProducerFactory(config -> producer);
        kafka.start();
        context.getBeanFactory().registerSingleton("mockKafkaProducer", producer);
    }
}
