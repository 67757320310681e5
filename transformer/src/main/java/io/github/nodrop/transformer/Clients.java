package io.github.nodrop.transformer;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/** Makes the transformer's Kafka clients: the seam where tests put {@code MockConsumer} and {@code MockProducer}. */
interface Clients {

    Clients KAFKA = new Clients() {};

    default Consumer<byte[], byte[]> consumer(Map<String, Object> settings) {
        return new KafkaConsumer<>(settings);
    }

    default Producer<byte[], byte[]> producer(Map<String, Object> settings) {
        return new KafkaProducer<>(settings);
    }

    /** An admin client, used once at start to read the output topics' record size limits; null: unknown. */
    default Admin admin(Map<String, Object> settings) {
        return Admin.create(settings);
    }
}
