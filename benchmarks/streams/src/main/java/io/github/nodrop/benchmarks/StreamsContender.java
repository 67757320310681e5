package io.github.nodrop.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The Kafka Streams contender of {@link TransformerComparison}, in a JVM of its own with kafka-streams and
 * the kafka-clients of its version: adds the same {@code "hash"} field with Jackson and prints {@code
 * RESULT seconds=...} like {@link TransformerContender}.
 *
 * <pre>StreamsContender streams|streams-eos bootstrap input output records</pre>
 */
public final class StreamsContender {

    private StreamsContender() {}

    public static void main(String[] args) {
        String guarantee = args[0].equals("streams-eos") ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE;
        ProcessStats stats = ProcessStats.start();
        long start = System.nanoTime();
        streams(args[1], args[2], args[3], Integer.parseInt(args[4]), guarantee);
        TransformerContender.printResultAndExit(stats, start);
    }

    /** Kafka Streams doing the same enrichment as a Streams user would write it: Jackson in, Jackson out. */
    static void streams(String bootstrap, String input, String output, int records, String guarantee) {
        ObjectMapper mapper = new ObjectMapper();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues(value -> {
                    try {
                        ObjectNode event = (ObjectNode) mapper.readTree(value);
                        event.put("hash", TransformerContender.md5Hex(value));
                        return mapper.writeValueAsBytes(event);
                    } catch (java.io.IOException | ClassCastException e) {
                        return value; // the benchmark's input is always a JSON object
                    }
                })
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-streams-" + System.nanoTime());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(
                StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG),
                TransformerContender.AckCounter.class.getName());
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/bench-streams-state");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            TransformerContender.awaitCount(TransformerContender.AckCounter.ACKED::get, records);
            streams.close(Duration.ofSeconds(30));
        }
    }
}
