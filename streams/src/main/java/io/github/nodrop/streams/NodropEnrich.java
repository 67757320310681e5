package io.github.nodrop.streams;

import io.github.nodrop.enrich.JsonEnricher;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * nodrop's enrichment in a Kafka Streams topology: each JSON object gets {@code "hash"}, the lowercase hex
 * MD5 of the record's original value bytes (the same bytes out as the nodrop transformer and the Kafka
 * Connect transform make); anything else goes, unchanged, to a dead-letter topic with headers saying why
 * ({@value #ERROR_HEADER}) and where from ({@value #SOURCE_TOPIC_HEADER}, {@value #SOURCE_PARTITION_HEADER},
 * {@value #SOURCE_OFFSET_HEADER}). Keys, timestamps and headers are kept.
 *
 * <pre>{@code
 * KStream<byte[], byte[]> logs = builder.stream("logs", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()));
 * NodropEnrich.enrich(logs, "logs-dlq").to("logs-enriched", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
 * }</pre>
 *
 * <p>Values are read as bytes ({@code Serdes.ByteArray()}): the hash is of the exact bytes on the topic, so
 * they must not be parsed and written again before it is taken. The enrichment keeps no state, so the
 * topology's guarantee (at least once or exactly once) is Kafka Streams' own.
 */
public final class NodropEnrich {

    /** The dead-letter header with the reason a record was refused. */
    public static final String ERROR_HEADER = "nodrop.error";

    public static final String SOURCE_TOPIC_HEADER = "nodrop.source.topic";
    public static final String SOURCE_PARTITION_HEADER = "nodrop.source.partition";
    public static final String SOURCE_OFFSET_HEADER = "nodrop.source.offset";

    private NodropEnrich() {}

    /**
     * Enriches the stream's values: returns the enriched records and sends the refused ones to {@code
     * deadLetterTopic}.
     *
     * @throws IllegalArgumentException when {@code deadLetterTopic} is blank
     */
    public static KStream<byte[], byte[]> enrich(KStream<byte[], byte[]> input, String deadLetterTopic) {
        Objects.requireNonNull(input, "input");
        String dlq = topic("deadLetterTopic", deadLetterTopic);
        KStream<byte[], Outcome> outcomes = input.processValues(Enrich::new);
        outcomes.filter((key, outcome) -> outcome.refused)
                .mapValues(outcome -> outcome.value)
                .to(dlq, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return outcomes.filterNot((key, outcome) -> outcome.refused).mapValues(outcome -> outcome.value);
    }

    /**
     * A whole topology: reads {@code input}, writes the enriched records to {@code output} and the refused
     * ones to {@code deadLetterTopic}.
     *
     * @throws IllegalArgumentException when a topic is blank, or the output or dead-letter topic is the input
     */
    public static Topology topology(String input, String output, String deadLetterTopic) {
        String in = topic("input", input);
        String out = topic("output", output);
        String dlq = topic("deadLetterTopic", deadLetterTopic);
        if (in.equals(out) || in.equals(dlq)) {
            throw new IllegalArgumentException("output and deadLetterTopic must differ from input '" + in
                    + "': the enriched records would be read and enriched again");
        }
        StreamsBuilder builder = new StreamsBuilder();
        enrich(builder.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())), dlq)
                .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        return builder.build();
    }

    private static String topic(String what, String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must name a topic, was " + (name == null ? "null" : "blank"));
        }
        return name.trim();
    }

    /** A record's outcome between the enrichment and the split: the bytes to send and where. */
    static final class Outcome {
        final byte[] value;
        final boolean refused;

        Outcome(byte[] value, boolean refused) {
            this.value = value;
            this.refused = refused;
        }
    }

    /** One per task, so its enricher (not thread-safe) is only ever used by that task's thread. */
    static final class Enrich implements FixedKeyProcessor<byte[], byte[], Outcome> {
        private final JsonEnricher enricher = new JsonEnricher();
        private FixedKeyProcessorContext<byte[], Outcome> context;

        @Override
        public void init(FixedKeyProcessorContext<byte[], Outcome> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<byte[], byte[]> record) {
            JsonEnricher.Result result = enricher.enrich(record.value());
            if (result.ok()) {
                context.forward(record.withValue(new Outcome(result.value(), false)));
                return;
            }
            Headers headers = new RecordHeaders(record.headers().toArray());
            headers.add(ERROR_HEADER, utf8(result.error()));
            Optional<RecordMetadata> from = context.recordMetadata();
            if (from.isPresent()) {
                headers.add(SOURCE_TOPIC_HEADER, utf8(from.get().topic()));
                headers.add(
                        SOURCE_PARTITION_HEADER, utf8(String.valueOf(from.get().partition())));
                headers.add(SOURCE_OFFSET_HEADER, utf8(String.valueOf(from.get().offset())));
            }
            context.forward(record.withValue(new Outcome(record.value(), true)).withHeaders(headers));
        }

        private static byte[] utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
