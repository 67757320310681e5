package io.github.nodrop.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.nodrop.streams.NodropEnrich;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The Kafka Streams contenders of {@link TransformerComparison}, in a JVM of their own with kafka-streams and
 * the kafka-clients of its version. Each routes what is not a JSON object to the dead-letter topic and adds
 * the same {@code "hash"} (MD5 of the value bytes) to the rest; {@link AckCounter} on its producers times it
 * like the other contenders, and it prints the same {@code RESULT} line.
 *
 * <pre>StreamsContender streams-tuned|streams-tuned-eos|streams-jackson|streams-jackson-eos bootstrap input output dlq records</pre>
 *
 * <ul>
 *   <li>{@code streams-tuned}: nodrop's client settings (see {@link #tuned}), {@code num.stream.threads} =
 *       cores, {@code commit.interval.ms=200}, and nodrop's own enrichment as a Kafka Streams processor
 *       ({@link NodropEnrich}): the same check and splice as the transformer, so the race compares engines.
 *   <li>{@code streams-jackson}: what a Kafka Streams user typically writes: Kafka Streams' defaults, the
 *       value read into a Jackson tree, {@code hash} put in, written back with Jackson.
 * </ul>
 */
public final class StreamsContender {

    private StreamsContender() {}

    public static void main(String[] args) throws IOException {
        String contender = args[0];
        boolean eos = contender.endsWith("-eos");
        boolean tuned = contender.startsWith("streams-tuned");
        String bootstrap = args[1];
        String input = args[2];
        String output = args[3];
        String dlq = args[4];
        int records = Integer.parseInt(args[5]);
        AckCounter.expect(records);
        ProcessStats stats = ProcessStats.start();
        StreamsBuilder builder = new StreamsBuilder();
        KStream<byte[], byte[]> in = builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Produced<byte[], byte[]> bytes = Produced.with(Serdes.ByteArray(), Serdes.ByteArray());
        if (tuned) {
            NodropEnrich.enrich(in, dlq).to(output, bytes);
        } else {
            ObjectMapper mapper = new ObjectMapper();
            in.mapValues(value -> new byte[][] {value, jackson(mapper, value)})
                    .split()
                    .branch(
                            (key, pair) -> pair[1] == null,
                            Branched.withConsumer(
                                    s -> s.mapValues(pair -> pair[0]).to(dlq, bytes)))
                    .defaultBranch(Branched.withConsumer(
                            s -> s.mapValues(pair -> pair[1]).to(output, bytes)));
        }
        Path state = Files.createTempDirectory("bench-streams-state");
        Properties props = tuned ? tuned(eos) : new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + contender + "-" + System.nanoTime());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(
                StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                eos ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG), AckCounter.class.getName());
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        System.out.println("Kafka Streams settings: " + props);
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        Map<String, String> extra = new LinkedHashMap<>();
        try {
            streams.start();
            AckCounter.await(AckCounter.STALL_SECONDS, AckCounter.CAP_SECONDS);
            long closeStart = System.nanoTime();
            boolean closed = streams.close(Duration.ofSeconds(30));
            extra.put("closeMillis", String.valueOf((System.nanoTime() - closeStart) / 1_000_000));
            extra.put("streamsClosedCleanly", closed ? "1" : "0");
            System.out.println("Kafka Streams state after close: " + streams.state());
            streams.cleanUp(); // the state directory it made; no state stores in this topology
            Files.deleteIfExists(state);
        } catch (RuntimeException | IOException e) {
            System.out.println("FAILED " + e + " (Kafka Streams state " + streams.state() + ")");
            e.printStackTrace(System.out);
            AckCounter.dumpThreads();
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.println(AckCounter.result(stats, extra));
        System.out.flush();
        System.exit(0);
    }

    /**
     * nodrop's client settings ({@code TransformerConfig}) where Kafka Streams has the same knob, so the two
     * differ in their engines, not in their batching: producer {@code acks=all}, {@code linger.ms=5},
     * {@code batch.size=131072}, {@code max.block.ms=10000}, no compression (nodrop's default, and Kafka's);
     * at least once {@code delivery.timeout.ms} unbounded and idempotence on (nodrop's; exactly once Kafka
     * Streams sets both itself), exactly once {@code transaction.timeout.ms=30000}; consumer {@code
     * max.poll.records=2000}, {@code fetch.min.bytes=65536}, {@code fetch.max.wait.ms=50}. And for Kafka
     * Streams itself: {@code commit.interval.ms=200} (nodrop's commit interval, for both guarantees; Kafka
     * Streams' defaults are 30 s at least once, 100 ms exactly once) and one stream thread per core.
     */
    static Properties tuned(boolean eos) {
        Properties props = new Properties();
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Runtime.getRuntime().availableProcessors());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 131072);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), 10000);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
        if (eos) {
            props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 30000);
        } else {
            props.put(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), Integer.MAX_VALUE);
            props.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        }
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2000);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), 65536);
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 50);
        return props;
    }

    /**
     * What a Kafka Streams user typically writes: parse into a tree, put {@code hash}, write back. Returns
     * null for what is not a JSON object (the caller routes the original to the dead-letter topic).
     * Jackson's defaults: a trailing token after the object is ignored, and the output is Jackson's
     * rendering, not the input's bytes (the trailing newline goes, escapes may change).
     */
    static byte[] jackson(ObjectMapper mapper, byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode tree = mapper.readTree(value);
            if (!(tree instanceof ObjectNode)) {
                return null;
            }
            ((ObjectNode) tree).put("hash", md5Hex(value));
            return mapper.writeValueAsBytes(tree);
        } catch (IOException e) {
            return null;
        }
    }

    static String md5Hex(byte[] value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(value));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
