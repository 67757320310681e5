package io.github.nodrop.logback;

import io.github.nodrop.core.ProducerFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A producer factory named by class in a test's logback.xml: every producer it made, for the test to read. */
public class MockProducers implements ProducerFactory {

    static final List<MockProducer<byte[], byte[]>> MADE = new CopyOnWriteArrayList<>();

    @Override
    public Producer<byte[], byte[]> create(Map<String, Object> config) {
        MockProducer<byte[], byte[]> producer =
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        MADE.add(producer);
        return producer;
    }
}
