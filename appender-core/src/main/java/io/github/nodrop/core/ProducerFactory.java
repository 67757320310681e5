package io.github.nodrop.core;

import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates the Kafka producer the engine sends through: the seam for tests ({@code MockProducer}) and for
 * users who need to wrap the producer. Called on the engine's sender thread, never on the application's.
 */
@FunctionalInterface
public interface ProducerFactory {

    /** The factory used unless another is configured: a {@link KafkaProducer} of byte arrays. */
    ProducerFactory DEFAULT =
            config -> new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());

    Producer<byte[], byte[]> create(Map<String, Object> config);
}
